// An in-memory key-value state store (Kafka's Stores.inMemoryKeyValueStore): the latest value and
// timestamp per key. A null value deletes. Lookups are by hash; listings are sorted by key so what
// a student sees never depends on hash order.
#pragma once
#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "streams/streams_types.hpp"

namespace klab::streams {

struct StoredValue {
  std::string value;
  TimeMs timestamp = 0;
};

class KeyValueStore {
 public:
  const StoredValue* get(const std::string& key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }
  StoredValue* find(const std::string& key) {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }
  // put() for a key whose row `slot` was just found (nullptr when it has none): an aggregate reads
  // its row and writes it back, and this saves the second hash lookup on that path.
  void put_found(StoredValue* slot, const std::string& key, const Bytes& value, TimeMs timestamp) {
    if (!slot || !value) return put(key, value, timestamp);
    slot->value = *value;
    slot->timestamp = timestamp;
  }
  void put(const std::string& key, const Bytes& value, TimeMs timestamp) {
    if (!value) {
      entries_.erase(key);
      return;
    }
    StoredValue& slot = entries_[key];
    slot.value = *value;
    slot.timestamp = timestamp;
  }
  std::size_t size() const { return entries_.size(); }
  std::vector<std::pair<std::string, std::string>> sorted() const {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(entries_.size());
    for (const auto& [key, stored] : entries_) out.emplace_back(key, stored.value);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::unordered_map<std::string, StoredValue> entries_;
};

}  // namespace klab::streams
