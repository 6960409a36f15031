// Long polls: Fetch requests that found less than min_bytes and wait (at most their max_wait_ms)
// for the high watermark of one of their partitions to move. One cluster listener serves them all;
// a parked fetch holds exactly one timer, its own max wait, so an idle broker schedules nothing else.
// A partition event on the timeline (a leader elected, a partition offline) re-reads the fetches
// waiting on it too, so one whose partition's leader moved away is answered at once with
// NOT_LEADER_OR_FOLLOWER, as Kafka's DelayedFetch.tryComplete completes it.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "cluster/cluster.hpp"

namespace klab::broker {

class FetchPark {
 public:
  explicit FetchPark(Cluster& cluster);
  ~FetchPark();
  FetchPark(const FetchPark&) = delete;
  FetchPark& operator=(const FetchPark&) = delete;

  // `retry` is called (from a scheduler event) when one of `partitions` moved its high watermark;
  // it returns true when it answered (the fetch leaves the park). `expire` is called at `deadline`.
  void park(uint64_t connection_id, std::set<std::pair<std::string, int32_t>> partitions, TimeMs deadline,
            std::function<bool()> retry, std::function<void()> expire);
  void release_connection(uint64_t connection_id);
  void release_all();
  // Stops listening to the cluster, which is going away: an in-process request still held by a
  // pending callback (a commit waiting for replicas) keeps this park alive past its cluster.
  void detach();
  void release_if(const std::function<bool(uint64_t connection_id)>& which);
  std::size_t parked() const { return parked_.size(); }

 private:
  struct Parked {
    uint64_t connection_id = 0;
    std::set<std::pair<std::string, int32_t>> partitions;
    Scheduler::EventId timer = 0;
    bool retry_scheduled = false;
    std::function<bool()> retry;
    std::function<void()> expire;
  };
  void wake(const std::string& topic, int32_t partition);
  void run_retry(uint64_t id);

  Cluster& cluster_;
  uint64_t listener_ = 0;
  // Event listeners cannot be removed from the cluster: the one this park adds holds a weak
  // reference, dead once the park is gone.
  std::shared_ptr<FetchPark*> self_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Parked> parked_;
};

}  // namespace klab::broker
