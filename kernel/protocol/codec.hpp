// The codec's entry points: whole request and response frames (the bytes after the int32 size) to and from
// typed messages. Request = one alternative per API in api_list.hpp, in that order; so is Response.
// Invariants: 1. decode_request never reads outside the frame and never throws on any input; 2. a decoded
// request re-encodes with encode_request to a frame that decodes equal (bytes differ only where Kafka's
// reader is lenient: bools other than 0/1, negative null lengths other than -1, tagged fields, trailing
// bytes); 3. bytes after a non-flexible body are ignored, as Kafka 3.7's AbstractRequest.parseRequest does;
// 4. the response header is v0 for every non-flexible version and for ApiVersions (always), v1 otherwise.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/result.hpp"
#include "protocol/api_list.hpp"
#include "protocol/api_table.hpp"
#include "protocol/messages.hpp"

namespace klab::protocol {

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  bool operator==(const RequestHeader&) const = default;
};

namespace detail {
struct ListEnd {};
template <class Done, class... Rest>
struct VariantOf;
template <class... Done>
struct VariantOf<std::variant<Done...>, ListEnd> {
  using type = std::variant<Done...>;
};
template <class... Done, class Next, class... Rest>
struct VariantOf<std::variant<Done...>, Next, Rest...> {
  using type = typename VariantOf<std::variant<Done..., Next>, Rest...>::type;
};
#define KLAB_PROTOCOL_REQUEST_TYPE(name, key, min, max, flexible) name##Request,
#define KLAB_PROTOCOL_RESPONSE_TYPE(name, key, min, max, flexible) name##Response,
using RequestVariant = VariantOf<std::variant<>, KLAB_PROTOCOL_APIS(KLAB_PROTOCOL_REQUEST_TYPE) ListEnd>::type;
using ResponseVariant = VariantOf<std::variant<>, KLAB_PROTOCOL_APIS(KLAB_PROTOCOL_RESPONSE_TYPE) ListEnd>::type;
#undef KLAB_PROTOCOL_REQUEST_TYPE
#undef KLAB_PROTOCOL_RESPONSE_TYPE
}  // namespace detail

using Request = detail::RequestVariant;
using Response = detail::ResponseVariant;

struct DecodedRequest {
  RequestHeader header;
  Request body;
};
enum class DecodeFailure { UnknownApiKey, UnsupportedVersion, Malformed };
struct DecodeError {
  DecodeFailure failure;
  RequestHeader header;  // as far as it was read
  std::string message;   // names the field: "MetadataRequest v4: topics[2].name: length 300 exceeds the 12 bytes left"
};

std::variant<DecodedRequest, DecodeError> decode_request(std::string_view frame);
// Response header (v0, or v1 for flexible versions other than ApiVersions) and body at the request's version.
std::string encode_response(const RequestHeader& request_header, const Response& response);
// Client side (tests, tools): the header's api_key must be the body's (else std::invalid_argument).
std::string encode_request(const RequestHeader& header, const Request& request);
// Reads the response header and a body of the given api and version; the error says which field failed.
Result<Response> decode_response(int16_t api_key, int16_t api_version, std::string_view frame_without_size);
// Kafka >= 2.4's answer to an ApiVersions version it does not serve: response header v0, ApiVersions v0 body
// layout, error 35 UNSUPPORTED_VERSION, and the ApiVersions range as the only entry (ApiVersionsRequest
// .getErrorResponse in Kafka 3.7), so the client can retry at a version both sides speak.
std::string unsupported_api_versions_response(const RequestHeader& request_header);

// The api a request or response alternative belongs to.
const ApiInfo& api_of(const Request& request);
const ApiInfo& api_of(const Response& response);
// An empty message of the given api (nullopt for a key klab does not serve).
std::optional<Request> empty_request(int16_t api_key);
std::optional<Response> empty_response(int16_t api_key);

}  // namespace klab::protocol
