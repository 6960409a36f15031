#include "client/producer_metrics.hpp"

#include <algorithm>
#include <limits>

namespace klab {

void ProducerMetrics::record_batch(int32_t size_bytes, float compression_ratio, int64_t queue_time_ms, int32_t records) {
  ++batches_;
  batch_bytes_ += size_bytes;
  batch_bytes_max_ = std::max(batch_bytes_max_, size_bytes);
  compression_ratio_sum_ += compression_ratio;
  queue_time_sum_ += queue_time_ms;
  queue_time_max_ = std::max(queue_time_max_, queue_time_ms);
  records_sent_ += records;
}

void ProducerMetrics::record_request(int32_t records, int64_t bytes) {
  ++requests_;
  request_records_ += records;
  request_bytes_ += bytes;
}

std::vector<std::pair<std::string, double>> ProducerMetrics::snapshot(TimeMs now) const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto average = [&](double sum, int64_t count) { return count == 0 ? nan : sum / static_cast<double>(count); };
  const double seconds = static_cast<double>(now - created_ms_) / 1000.0;
  auto rate = [&](int64_t total) { return seconds <= 0 ? 0.0 : static_cast<double>(total) / seconds; };
  std::vector<std::pair<std::string, double>> out = {
      {"batch-size-avg", average(static_cast<double>(batch_bytes_), batches_)},
      {"batch-size-max", batches_ == 0 ? nan : batch_bytes_max_},
      {"compression-rate-avg", average(compression_ratio_sum_, batches_)},
      {"outgoing-byte-rate", rate(request_bytes_)},
      {"outgoing-byte-total", static_cast<double>(request_bytes_)},
      {"record-error-total", static_cast<double>(record_errors_)},
      {"record-queue-time-avg", average(static_cast<double>(queue_time_sum_), batches_)},
      {"record-queue-time-max", batches_ == 0 ? nan : static_cast<double>(queue_time_max_)},
      {"record-retry-total", static_cast<double>(record_retries_)},
      {"record-send-rate", rate(records_sent_)},
      {"record-send-total", static_cast<double>(records_sent_)},
      {"records-per-request-avg", average(static_cast<double>(request_records_), requests_)},
      {"request-rate", rate(requests_)},
      {"request-total", static_cast<double>(requests_)},
  };
  return out;
}

}  // namespace klab
