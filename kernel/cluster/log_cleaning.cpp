// Every broker's log cleaner (log/log_cleaner.hpp has the rules). A broker cleans its own replica
// of each partition whose topic's cleanup.policy contains compact - any such topic, including an
// internal one like __consumer_offsets - using that replica's own high watermark and checkpoint,
// so leader and followers compact independently and stay consistent: equal logs give equal bytes.
//
// Timers: Kafka's cleaner thread sleeps log.cleaner.backoff.ms whenever it finds nothing to clean.
// Here the cleaners wake at multiples of log.cleaner.backoff.ms, but only when some replica is
// worth cleaning by then (the dirty ratio passed min.cleanable.dirty.ratio, or a compaction lag
// expires); appends and high watermark moves re-arm the wake-up.
#include <algorithm>
#include <fmt/format.h>

#include "cluster/cluster.hpp"
#include "log/log_cleaner.hpp"

namespace klab {

void Cluster::arm_cleaner(TimeMs due) {
  const int64_t backoff = std::max<int64_t>(1, broker_config_.get_long("log.cleaner.backoff.ms"));
  TimeMs at = std::max(due, now() + 1);
  if (at > INT64_MAX - backoff) return;
  at = (at + backoff - 1) / backoff * backoff;
  if (cleaner_check_ && cleaner_check_->at <= at) return;
  if (cleaner_check_) scheduler_.cancel(cleaner_check_->event);
  const Scheduler::EventId event = scheduler_.schedule_at(at, [this] {
    cleaner_check_.reset();
    cleaner_pass();
    rearm_log_maintenance();
  });
  cleaner_check_ = PendingCheck{at, event};
}

std::vector<LogMaintenanceReport> Cluster::cleaner_pass() {
  std::vector<LogMaintenanceReport> reports;
  if (!broker_config_.get_bool("log.cleaner.enable")) return reports;
  for (auto& [name, topic] : topics_) {
    for (auto& partition : topic->partitions) {
      for (auto& copy : partition->copies) {
        if (!broker_alive(copy->broker) || !copy->log.config().compact_policy) continue;
        const CleanableLog cleanable = check_cleanable(copy->log, copy->cleaner_checkpoint, copy->high_watermark, now());
        if (!cleanable.should_clean) continue;
        const CleanerStats stats = clean_log(copy->log, cleanable, now());
        copy->cleaner_checkpoint = stats.end_offset;
        const std::string why = cleanable.dirty_ratio > copy->log.config().min_cleanable_dirty_ratio
                                    ? fmt::format("dirty ratio {:.2f} > min.cleanable.dirty.ratio {}", cleanable.dirty_ratio,
                                                  copy->log.config().min_cleanable_dirty_ratio)
                                    : std::string("max.compaction.lag.ms passed");
        LogMaintenanceReport report;
        report.topic = name;
        report.partition = partition->id;
        report.broker = copy->broker;
        report.bytes_before = stats.bytes_before;
        report.bytes_after = stats.bytes_after;
        report.log_start_offset = copy->log.log_start_offset();
        report.reason = why;
        report.records_kept = stats.records_kept;
        report.records_removed = stats.records_read - stats.records_kept;
        report.tombstones_removed = stats.tombstones_removed;
        record_event("LogCleaned", topic.get(), partition->id, copy->broker,
                     fmt::format("{}-{} on broker {}: cleaned offsets [{}, {}) and the clean part before them: {} of "
                                 "{} records kept, {} tombstone(s) removed, {} -> {} bytes ({})",
                                 name, partition->id, copy->broker, stats.first_dirty_offset, stats.end_offset,
                                 stats.records_kept, stats.records_read, stats.tombstones_removed, stats.bytes_before,
                                 stats.bytes_after, why));
        reports.push_back(std::move(report));
      }
    }
  }
  return reports;
}

std::vector<LogMaintenanceReport> Cluster::run_cleaner() {
  std::vector<LogMaintenanceReport> reports = cleaner_pass();
  rearm_log_maintenance();
  return reports;
}

}  // namespace klab
