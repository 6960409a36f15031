#include "broker/fetch_park.hpp"

namespace klab::broker {

FetchPark::FetchPark(Cluster& cluster) : cluster_(cluster), self_(std::make_shared<FetchPark*>(this)) {
  listener_ = cluster_.add_high_watermark_listener(
      [this](const std::string& topic, int32_t partition) { wake(topic, partition); });
  cluster_.add_event_listener([self = std::weak_ptr<FetchPark*>(self_)](const ClusterEvent& event) {
    const auto park = self.lock();
    if (park && !event.topic.empty() && event.partition >= 0) (*park)->wake(event.topic, event.partition);
  });
}

FetchPark::~FetchPark() {
  self_.reset();
  release_all();
  detach();
}

void FetchPark::detach() {
  if (listener_ != 0) cluster_.remove_high_watermark_listener(listener_);
  listener_ = 0;
}

void FetchPark::park(uint64_t connection_id, std::set<std::pair<std::string, int32_t>> partitions, TimeMs deadline,
                     std::function<bool()> retry, std::function<void()> expire) {
  const uint64_t id = next_id_++;
  Parked& entry = parked_[id];
  entry.connection_id = connection_id;
  entry.partitions = std::move(partitions);
  entry.retry = std::move(retry);
  entry.expire = std::move(expire);
  entry.timer = cluster_.scheduler().schedule_at(deadline, [this, id] {
    auto it = parked_.find(id);
    if (it == parked_.end()) return;
    auto expire_now = std::move(it->second.expire);
    parked_.erase(it);
    expire_now();
  });
}

// A listener only observes: the fetch is re-read from a scheduler event at the same millisecond.
void FetchPark::wake(const std::string& topic, int32_t partition) {
  for (auto& [id, entry] : parked_) {
    if (entry.retry_scheduled || !entry.partitions.contains({topic, partition})) continue;
    entry.retry_scheduled = true;
    cluster_.scheduler().schedule_after(0, [this, id = id] { run_retry(id); });
  }
}

void FetchPark::run_retry(uint64_t id) {
  auto it = parked_.find(id);
  if (it == parked_.end()) return;
  it->second.retry_scheduled = false;
  const std::function<bool()> retry = it->second.retry;  // answering may close the connection
  if (!retry()) return;
  it = parked_.find(id);
  if (it == parked_.end()) return;
  cluster_.scheduler().cancel(it->second.timer);
  parked_.erase(it);
}

void FetchPark::release_connection(uint64_t connection_id) {
  release_if([connection_id](uint64_t id) { return id == connection_id; });
}

void FetchPark::release_if(const std::function<bool(uint64_t connection_id)>& which) {
  for (auto it = parked_.begin(); it != parked_.end();) {
    if (!which(it->second.connection_id)) {
      ++it;
      continue;
    }
    cluster_.scheduler().cancel(it->second.timer);
    it = parked_.erase(it);
  }
}

void FetchPark::release_all() {
  for (auto& [id, entry] : parked_) cluster_.scheduler().cancel(entry.timer);
  parked_.clear();
}

}  // namespace klab::broker
