// The codec's entry points: see codec.hpp. Dispatch by api key is derived from the variants' order, which is
// api_list.hpp's order, which is supported_apis()'s order: alternative i belongs to supported_apis()[i].
#include "protocol/codec.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "protocol/reader.hpp"
#include "protocol/writer.hpp"

namespace klab::protocol {
namespace {

static_assert(std::variant_size_v<Request> == std::variant_size_v<Response>);

template <class Variant, size_t I = 0>
std::optional<Variant> alternative(size_t index) {
  if constexpr (I == std::variant_size_v<Variant>) {
    return std::nullopt;
  } else {
    if (index == I) return Variant{std::in_place_index<I>};
    return alternative<Variant, I + 1>(index);
  }
}

std::optional<size_t> index_of(int16_t api_key) {
  auto apis = supported_apis();
  for (size_t i = 0; i < apis.size(); ++i) {
    if (apis[i].api_key == api_key) return i;
  }
  return std::nullopt;
}

std::string message_name(const ApiInfo& api, const char* direction, int16_t version) {
  return fmt::format("{}{} v{}", api.name, direction, version);
}

}  // namespace

const ApiInfo& api_of(const Request& request) { return supported_apis()[request.index()]; }
const ApiInfo& api_of(const Response& response) { return supported_apis()[response.index()]; }

std::optional<Request> empty_request(int16_t api_key) {
  auto index = index_of(api_key);
  return index ? alternative<Request>(*index) : std::nullopt;
}
std::optional<Response> empty_response(int16_t api_key) {
  auto index = index_of(api_key);
  return index ? alternative<Response>(*index) : std::nullopt;
}

std::variant<DecodedRequest, DecodeError> decode_request(std::string_view frame) {
  Reader reader(frame, "request header");
  RequestHeader header;
  header.api_key = reader.int16();
  header.api_version = reader.int16();
  header.correlation_id = reader.int32();
  if (!reader.ok()) return DecodeError{DecodeFailure::Malformed, header, reader.error()};
  const ApiInfo* api = find_api(header.api_key);
  if (api == nullptr) {
    return DecodeError{DecodeFailure::UnknownApiKey, header, fmt::format("unknown api key {}", header.api_key)};
  }
  if (!api->supports(header.api_version)) {
    return DecodeError{DecodeFailure::UnsupportedVersion, header,
                       fmt::format("{} v{} is not supported (klab serves v{}-v{})", api->name, header.api_version,
                                   api->min_version, api->max_version)};
  }
  reader.push("client_id");
  header.client_id = reader.nullable_string();  // an int16 length even in header v2, so old brokers can read it
  reader.pop();
  if (request_header_version(*api, header.api_version) >= 2) reader.skip_tagged_fields();
  if (!reader.ok()) return DecodeError{DecodeFailure::Malformed, header, reader.error()};
  reader.set_context(message_name(*api, "Request", header.api_version));
  Request body = *empty_request(header.api_key);
  std::visit([&](auto& message) { decode(reader, header.api_version, message); }, body);
  if (!reader.ok()) return DecodeError{DecodeFailure::Malformed, header, reader.error()};
  return DecodedRequest{std::move(header), std::move(body)};
}

std::string encode_request(const RequestHeader& header, const Request& request) {
  const ApiInfo& api = api_of(request);
  if (api.api_key != header.api_key) throw std::invalid_argument("encode_request: header api_key is not the body's");
  Writer writer;
  writer.int16(header.api_key);
  writer.int16(header.api_version);
  writer.int32(header.correlation_id);
  writer.nullable_string(header.client_id);
  if (request_header_version(api, header.api_version) >= 2) writer.empty_tagged_fields();
  std::visit([&](const auto& message) { encode(writer, header.api_version, message); }, request);
  return writer.take();
}

std::string encode_response(const RequestHeader& request_header, const Response& response) {
  const ApiInfo& api = api_of(response);
  Writer writer;
  writer.int32(request_header.correlation_id);
  if (response_header_version(api, request_header.api_version) >= 1) writer.empty_tagged_fields();
  std::visit([&](const auto& message) { encode(writer, request_header.api_version, message); }, response);
  return writer.take();
}

Result<Response> decode_response(int16_t api_key, int16_t api_version, std::string_view frame_without_size) {
  const ApiInfo* api = find_api(api_key);
  if (api == nullptr || !api->supports(api_version)) {
    return make_error(ErrorCode::UNSUPPORTED_VERSION, fmt::format("api key {} v{} is not served", api_key, api_version));
  }
  Reader reader(frame_without_size, "response header");
  reader.push("correlation_id");
  reader.int32();
  reader.pop();
  if (response_header_version(*api, api_version) >= 1) reader.skip_tagged_fields();
  reader.set_context(message_name(*api, "Response", api_version));
  Response body = *empty_response(api_key);
  std::visit([&](auto& message) { decode(reader, api_version, message); }, body);
  if (!reader.ok()) return make_error(ErrorCode::CORRUPT_MESSAGE, reader.error());
  return body;
}

std::string unsupported_api_versions_response(const RequestHeader& request_header) {
  const ApiInfo& api = *find_api(kApiVersionsKey);
  ApiVersionsResponse response;
  response.error_code = static_cast<int16_t>(ErrorCode::UNSUPPORTED_VERSION);
  response.api_keys.push_back({api.api_key, api.min_version, api.max_version});
  Writer writer;
  writer.int32(request_header.correlation_id);
  encode(writer, 0, response);
  return writer.take();
}

}  // namespace klab::protocol
