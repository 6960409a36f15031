// librdkafka's C API driving one producer and one consumer (see rdkafka_load.hpp).
#include "rdkafka_load.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

namespace klab_serve_bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

double seconds_between(int64_t from_us, int64_t to_us) { return static_cast<double>(to_us - from_us) / 1e6; }

struct ProduceState {
  ProduceFigures* figures = nullptr;
  bool timed = false;  // false during the warm-up record
  bool keep_latencies = false;
  int64_t last_report_us = 0;
};

// Delivery report: the send time travels in the message's opaque pointer.
void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto& state = *static_cast<ProduceState*>(opaque);
  const int64_t at = now_us();
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (state.figures->failed++ == 0) state.figures->first_error = rd_kafka_err2str(message->err);
    return;
  }
  if (!state.timed) {
    ++state.figures->warm_up_delivered;
    return;
  }
  ++state.figures->delivered;
  state.last_report_us = at;
  if (state.keep_latencies) state.figures->latencies_us.push_back(at - reinterpret_cast<intptr_t>(message->_private));
}

rd_kafka_conf_t* base_conf(const LoadSpec& spec) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[256];
  rd_kafka_conf_set(conf, "bootstrap.servers", spec.bootstrap.c_str(), error, sizeof error);
  rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error);  // errors only: the table stays readable
  return conf;
}

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

rd_kafka_resp_err_t send(rd_kafka_t* producer, const LoadSpec& spec, const std::string& value) {
  const int32_t partition = spec.partitions == 1 ? 0 : RD_KAFKA_PARTITION_UA;
  return rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(spec.topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                           RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                           RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<intptr_t>(now_us()))), RD_KAFKA_V_END);
}

// Waits (serving delivery reports) until the paced schedule allows record `index`.
void pace(rd_kafka_t* producer, const LoadSpec& spec, int64_t start_us, int64_t index) {
  if (spec.records_per_second <= 0) return;
  const int64_t due = start_us + index * 1'000'000 / spec.records_per_second;
  for (int64_t wait = due - now_us(); wait > 0; wait = due - now_us()) rd_kafka_poll(producer, static_cast<int>(std::max<int64_t>(wait / 1000, 0)));
}

}  // namespace

ProduceFigures produce(const LoadSpec& spec) {
  ProduceFigures figures;
  ProduceState state{&figures, false, spec.keep_latencies, 0};
  rd_kafka_conf_t* conf = base_conf(spec);
  char error[256];
  rd_kafka_conf_set(conf, "acks", spec.acks.c_str(), error, sizeof error);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &state);
  Handle producer(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error));
  if (!producer) {
    figures.first_error = error;
    return figures;
  }
  const std::string value(static_cast<std::size_t>(spec.record_bytes), 'v');
  if (send(producer.get(), spec, value) != RD_KAFKA_RESP_ERR_NO_ERROR || rd_kafka_flush(producer.get(), 15000) != 0 ||
      figures.warm_up_delivered != 1) {
    if (figures.first_error.empty()) figures.first_error = "the warm-up record was not acknowledged within 15 s";
    return figures;
  }
  state.timed = true;
  const int64_t start = now_us();
  const int64_t stop = start + static_cast<int64_t>(spec.seconds * 1e6);
  int64_t sent = 0;
  while (sent < spec.max_records && now_us() < stop) {
    pace(producer.get(), spec, start, sent);
    rd_kafka_resp_err_t status = send(producer.get(), spec, value);
    if (status == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(producer.get(), 1);
      continue;
    }
    if (status != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (figures.failed++ == 0) figures.first_error = rd_kafka_err2str(status);
      break;
    }
    if ((++sent & 1023) == 0) rd_kafka_poll(producer.get(), 0);
  }
  rd_kafka_flush(producer.get(), static_cast<int>(spec.drain_seconds * 1000));
  figures.seconds = seconds_between(start, state.last_report_us);
  return figures;
}

ConsumeFigures consume(const LoadSpec& spec, int64_t expected) {
  ConsumeFigures figures;
  rd_kafka_conf_t* conf = base_conf(spec);
  char error[256];
  rd_kafka_conf_set(conf, "group.id", "klab-serve-bench", error, sizeof error);  // assign() only: no join
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof error);
  Handle consumer(rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error));
  if (!consumer) {
    figures.first_error = error;
    return figures;
  }
  rd_kafka_poll_set_consumer(consumer.get());
  rd_kafka_topic_partition_list_t* partitions = rd_kafka_topic_partition_list_new(spec.partitions);
  for (int32_t partition = 0; partition < spec.partitions; ++partition)
    rd_kafka_topic_partition_list_add(partitions, spec.topic.c_str(), partition)->offset = RD_KAFKA_OFFSET_BEGINNING;
  const int64_t start = now_us();
  rd_kafka_assign(consumer.get(), partitions);
  rd_kafka_topic_partition_list_destroy(partitions);
  const int64_t stop = start + static_cast<int64_t>(spec.drain_seconds * 1e6);
  int64_t last = start;
  while (figures.records < expected && now_us() < stop) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer.get(), 100);
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++figures.records;
      figures.bytes += static_cast<int64_t>(message->len);
      last = now_us();
    } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (figures.errors++ == 0) figures.first_error = rd_kafka_message_errstr(message);
    }
    rd_kafka_message_destroy(message);
  }
  figures.seconds = seconds_between(start, last);
  rd_kafka_consumer_close(consumer.get());
  return figures;
}

std::string librdkafka_version() { return rd_kafka_version_str(); }

int64_t percentile(std::vector<int64_t> values, double percent) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(percent / 100.0 * static_cast<double>(values.size()));
  const std::size_t index = static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(values.size()))) - 1;
  return values[index];
}

}  // namespace klab_serve_bench
