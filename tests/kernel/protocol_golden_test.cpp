// Golden frames written by hand from Kafka 3.7's message specs and what the real clients send
// (captured from the real clients): the codec must decode them to the right values and
// produce exactly these bytes.
#include <doctest/doctest.h>

#include "protocol/codec.hpp"
#include "protocol_support.hpp"

using namespace klab::protocol;
using klab::protocol::testing::from_hex;
using klab::protocol::testing::to_hex;

namespace {
DecodedRequest decoded(std::string_view hex) {
  auto result = decode_request(from_hex(hex));
  if (auto* error = std::get_if<DecodeError>(&result)) FAIL(error->message);
  return std::get<DecodedRequest>(std::move(result));
}

// librdkafka 2.0.2's first request on every connection: ApiVersions v3, request header v2
// (client_id keeps its int16 length, then an empty tag section), compact strings, empty tags.
constexpr std::string_view kLibrdkafkaApiVersionsV3 =
    "0012 0003 00000001 0007 72646b61666b61 00"  // key 18, v3, correlation 1, "rdkafka", header tags
    "0b 6c696272646b61666b61 06 322e302e32 00";  // "librdkafka", "2.0.2", body tags

// kafka-python 2.0.2's probe: Metadata v0 with topics=[] (all topics in v0).
constexpr std::string_view kKafkaPythonMetadataV0 = "0003 0000 00000002 000c 6b61666b612d707974686f6e 00000000";
}  // namespace

TEST_CASE("an ApiVersions v3 request as librdkafka sends it decodes to its software name and version") {
  auto request = decoded(kLibrdkafkaApiVersionsV3);
  CHECK(request.header == RequestHeader{18, 3, 1, "rdkafka"});
  auto& body = std::get<ApiVersionsRequest>(request.body);
  CHECK(body.client_software_name == "librdkafka");
  CHECK(body.client_software_version == "2.0.2");
  CHECK(valid_client_software(body, 3));
  CHECK(to_hex(encode_request(request.header, request.body)) == to_hex(from_hex(kLibrdkafkaApiVersionsV3)));
}

TEST_CASE("client software names that break KIP-511's pattern are invalid") {
  CHECK(valid_client_software_field("confluent-kafka-python"));
  CHECK(valid_client_software_field("1.7.0"));
  CHECK(valid_client_software_field("a"));
  CHECK_FALSE(valid_client_software_field(""));
  CHECK_FALSE(valid_client_software_field("-lead"));
  CHECK_FALSE(valid_client_software_field("trail."));
  CHECK_FALSE(valid_client_software_field("has space"));
  CHECK_FALSE(valid_client_software_field("under_score"));
  CHECK(valid_client_software(ApiVersionsRequest{"", ""}, 2));  // v0-v2 carry no names
}

TEST_CASE("kafka-python's Metadata v0 probe decodes to an empty topic list, meaning all topics") {
  auto request = decoded(kKafkaPythonMetadataV0);
  CHECK(request.header == RequestHeader{3, 0, 2, "kafka-python"});
  auto& body = std::get<MetadataRequest>(request.body);
  REQUIRE(body.topics.has_value());
  CHECK(body.topics->empty());
  CHECK(body.allow_auto_topic_creation);  // Kafka's default where v0 has no field
  CHECK(to_hex(encode_request(request.header, request.body)) == to_hex(from_hex(kKafkaPythonMetadataV0)));
}

TEST_CASE("a Metadata v1 request with a null topic array asks for all topics") {
  auto request = decoded("0003 0001 00000007 ffff ffffffff");
  CHECK(request.header.client_id == std::nullopt);
  CHECK_FALSE(std::get<MetadataRequest>(request.body).topics.has_value());
}

TEST_CASE("a null topic array in Metadata v0, where it is not nullable, is malformed") {
  auto result = decode_request(from_hex("0003 0000 00000007 ffff ffffffff"));
  auto& error = std::get<DecodeError>(result);
  CHECK(error.failure == DecodeFailure::Malformed);
  CHECK(error.message == "MetadataRequest v0: topics: null array but the field is not nullable in this version");
}

TEST_CASE("a Metadata v4 topic name longer than the frame names the topic index in the error") {
  auto result = decode_request(from_hex("0003 0004 00000001 ffff 00000003 0001 61 0001 62 012c 000000000000000000000001"));
  auto& error = std::get<DecodeError>(result);
  CHECK(error.failure == DecodeFailure::Malformed);
  CHECK(error.header == RequestHeader{3, 4, 1, std::nullopt});
  CHECK(error.message == "MetadataRequest v4: topics[2].name: length 300 exceeds the 12 bytes left");
}

TEST_CASE("an unknown api key and an unsupported version are told apart from malformed frames") {
  auto unknown = std::get<DecodeError>(decode_request(from_hex("03e7 0000 00000001 ffff")));
  CHECK(unknown.failure == DecodeFailure::UnknownApiKey);
  CHECK(unknown.header.api_key == 999);
  auto unsupported = std::get<DecodeError>(decode_request(from_hex("0001 000c 00000005 ffff")));
  CHECK(unsupported.failure == DecodeFailure::UnsupportedVersion);
  CHECK(unsupported.header.correlation_id == 5);
  CHECK(unsupported.message == "Fetch v12 is not supported (klab serves v4-v11)");
  auto short_header = std::get<DecodeError>(decode_request(from_hex("0003 00")));
  CHECK(short_header.failure == DecodeFailure::Malformed);
}

TEST_CASE("bytes after a non-flexible body are ignored, as Kafka's parseRequest ignores them") {
  auto request = decoded(std::string(kKafkaPythonMetadataV0) + "deadbeef");
  CHECK(std::get<MetadataRequest>(request.body).topics->empty());
}

TEST_CASE("ApiVersions responses use response header v0 even at the flexible v3") {
  ApiVersionsResponse response;
  response.api_keys.push_back({18, 0, 3});
  std::string bytes = encode_response(RequestHeader{18, 3, 9, "rdkafka"}, response);
  // correlation id, error 0, compact array of 1, {18, 0, 3, tags}, throttle 0, tags
  CHECK(to_hex(bytes) == "00000009" "0000" "02" "0012" "0000" "0003" "00" "00000000" "00");
}

TEST_CASE("an unsupported ApiVersions version is answered in the v0 layout with error 35 and the ApiVersions range") {
  std::string bytes = unsupported_api_versions_response(RequestHeader{18, 7, 42, "x"});
  CHECK(to_hex(bytes) == "0000002a" "0023" "00000001" "0012" "0000" "0003");
}

TEST_CASE("the advertised ApiVersions list is the table, in key order") {
  auto response = api_versions_response();
  REQUIRE(response.api_keys.size() == supported_apis().size());
  CHECK(response.api_keys.front().api_key == 0);
  CHECK(response.api_keys.front().min_version == 3);
  CHECK(response.api_keys.front().max_version == 7);
  auto* metadata = find_api(3);
  REQUIRE(metadata != nullptr);
  CHECK(metadata->name == "Metadata");
  CHECK(metadata->max_version == 4);
  CHECK(find_api(17) == nullptr);  // SaslHandshake is not served
}

TEST_CASE("a Produce v3 request keeps its record batch as opaque bytes") {
  // transactional_id null, acks -1, timeout 1500, one topic "t" with partition 0 and 3 record bytes
  auto request = decoded("0000 0003 00000004 0001 63 ffff ffff 000005dc 00000001 0001 74 00000001 00000000 00000003 aabbcc");
  auto& body = std::get<ProduceRequest>(request.body);
  CHECK(body.acks == -1);
  CHECK(body.timeout_ms == 1500);
  REQUIRE(body.topic_data.size() == 1);
  CHECK(body.topic_data[0].partition_data[0].records == std::string("\xaa\xbb\xcc"));
}

TEST_CASE("a Metadata v0 response encodes brokers and topics in the v0 layout") {
  MetadataResponse response;
  response.brokers.push_back({1, "localhost", 9092, std::nullopt});
  response.topics.push_back({0, "t", false, {{0, 0, 1, {1}, {1}}}});
  std::string bytes = encode_response(RequestHeader{3, 0, 2, "kafka-python"}, response);
  CHECK(to_hex(bytes) ==
        "00000002" "00000001" "00000001" "0009" "6c6f63616c686f7374" "00002384"  // brokers
        "00000001" "0000" "0001" "74" "00000001" "0000" "00000000" "00000001" "00000001" "00000001" "00000001" "00000001");
}
