#include "schema/avro_compatibility.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <utility>

namespace klab::schema {

namespace {

class Checker {
 public:
  std::vector<Incompatibility> result;

  void check(const AvroNode& reader, const AvroNode& writer) {
    const auto pair = std::make_pair(&reader, &writer);
    if (in_progress_.count(pair)) return;  // rule 7
    in_progress_.insert(pair);
    calculate(reader, writer);
    in_progress_.erase(pair);
  }

 private:
  void at(const std::string& step, const AvroNode& reader, const AvroNode& writer) {
    location_.push_back(step);
    check(reader, writer);
    location_.pop_back();
  }

  void add(IncompatibilityType type, std::string info) {
    std::string path = "/";
    for (std::size_t i = 0; i < location_.size(); ++i) path += (i ? "/" : "") + location_[i];
    result.push_back(Incompatibility{type, std::move(path), std::move(info)});
  }

  void type_mismatch(const AvroNode& reader, const AvroNode& writer) {
    add(IncompatibilityType::TYPE_MISMATCH, fmt::format("reader type: {} not compatible with writer type: {}",
                                                        avro_type_name(reader.type), avro_type_name(writer.type)));
  }

  void check_names(const AvroNode& reader, const AvroNode& writer) {
    const bool same = reader.name == writer.name ||
                      std::find(reader.aliases.begin(), reader.aliases.end(), writer.full_name) != reader.aliases.end();
    if (same) return;
    location_.push_back("name");
    add(IncompatibilityType::NAME_MISMATCH, "expected: " + writer.full_name);
    location_.pop_back();
  }

  void calculate(const AvroNode& reader, const AvroNode& writer) {
    if (reader.type == writer.type) return same_type(reader, writer);
    if (writer.type == AvroType::Union) {
      for (const AvroNode* branch : writer.branches) check(reader, *branch);
      return;
    }
    switch (reader.type) {
      case AvroType::Long:
        if (writer.type == AvroType::Int) return;
        break;
      case AvroType::Float:
        if (writer.type == AvroType::Int || writer.type == AvroType::Long) return;
        break;
      case AvroType::Double:
        if (writer.type == AvroType::Int || writer.type == AvroType::Long || writer.type == AvroType::Float) return;
        break;
      case AvroType::Bytes:
        if (writer.type == AvroType::String) return;
        break;
      case AvroType::String:
        if (writer.type == AvroType::Bytes) return;
        break;
      case AvroType::Union:
        for (const AvroNode* branch : reader.branches)
          if (Checker probe = sub(); probe.run(*branch, writer)) return;
        add(IncompatibilityType::MISSING_UNION_BRANCH,
            fmt::format("reader union lacking writer type: {}", avro_type_name(writer.type)));
        return;
      default: break;
    }
    type_mismatch(reader, writer);
  }

  void same_type(const AvroNode& reader, const AvroNode& writer) {
    switch (reader.type) {
      case AvroType::Array: return at("items", *reader.items, *writer.items);
      case AvroType::Map: return at("values", *reader.values, *writer.values);
      case AvroType::Fixed:
        check_names(reader, writer);
        if (reader.fixed_size != writer.fixed_size) {
          location_.push_back("size");
          add(IncompatibilityType::FIXED_SIZE_MISMATCH,
              fmt::format("expected: {}, found: {}", writer.fixed_size, reader.fixed_size));
          location_.pop_back();
        }
        return;
      case AvroType::Enum: {
        check_names(reader, writer);
        std::set<std::string> missing(writer.symbols.begin(), writer.symbols.end());  // sorted, as Java's TreeSet
        for (const std::string& symbol : reader.symbols) missing.erase(symbol);
        if (missing.empty() || reader.enum_default) return;
        location_.push_back("symbols");
        add(IncompatibilityType::MISSING_ENUM_SYMBOLS, fmt::format("[{}]", fmt::join(missing, ", ")));
        location_.pop_back();
        return;
      }
      case AvroType::Record: return records(reader, writer);
      case AvroType::Union:
        for (std::size_t i = 0; i < writer.branches.size(); ++i) {
          location_.push_back(std::to_string(i));
          if (Checker probe = sub(); !probe.run(reader, *writer.branches[i]))
            add(IncompatibilityType::MISSING_UNION_BRANCH,
                fmt::format("reader union lacking writer type: {}", avro_type_name(writer.branches[i]->type)));
          location_.pop_back();
        }
        return;
      default: return;  // the same primitive
    }
  }

  void records(const AvroNode& reader, const AvroNode& writer) {
    check_names(reader, writer);
    location_.push_back("fields");
    for (const AvroField& field : reader.fields) {
      location_.push_back(std::to_string(field.position));
      const AvroField* source = writer.field(field.name);
      for (std::size_t i = 0; !source && i < field.aliases.size(); ++i) source = writer.field(field.aliases[i]);
      if (!source) {
        if (!field.default_value) add(IncompatibilityType::READER_FIELD_MISSING_DEFAULT_VALUE, field.name);
      } else {
        at("type", *field.type, *source->type);
      }
      location_.pop_back();
    }
    location_.pop_back();
  }

  // A nested check whose findings are only a yes/no (which union branch can read what).
  Checker sub() const {
    Checker probe;
    probe.in_progress_ = in_progress_;
    return probe;
  }
  bool run(const AvroNode& reader, const AvroNode& writer) {
    check(reader, writer);
    return result.empty();
  }

  std::set<std::pair<const AvroNode*, const AvroNode*>> in_progress_;
  std::vector<std::string> location_;
};

}  // namespace

std::string_view incompatibility_name(IncompatibilityType type) {
  switch (type) {
    case IncompatibilityType::NAME_MISMATCH: return "NAME_MISMATCH";
    case IncompatibilityType::FIXED_SIZE_MISMATCH: return "FIXED_SIZE_MISMATCH";
    case IncompatibilityType::MISSING_ENUM_SYMBOLS: return "MISSING_ENUM_SYMBOLS";
    case IncompatibilityType::READER_FIELD_MISSING_DEFAULT_VALUE: return "READER_FIELD_MISSING_DEFAULT_VALUE";
    case IncompatibilityType::TYPE_MISMATCH: return "TYPE_MISMATCH";
    case IncompatibilityType::MISSING_UNION_BRANCH: return "MISSING_UNION_BRANCH";
  }
  return "?";
}

std::vector<Incompatibility> check_compatibility(const AvroNode& reader, const AvroNode& writer) {
  Checker checker;
  checker.check(reader, writer);
  return std::move(checker.result);
}

std::string registry_message(const Incompatibility& i, std::string_view reader_label, std::string_view writer_label) {
  std::string description;
  switch (i.type) {
    case IncompatibilityType::NAME_MISMATCH:
      description = fmt::format("The name of the schema has changed (path '{}')", i.location);
      break;
    case IncompatibilityType::FIXED_SIZE_MISMATCH:
      description = fmt::format("The size of FIXED type field at path '{}' in the {} schema does not match with the {} schema",
                                i.location, reader_label, writer_label);
      break;
    case IncompatibilityType::MISSING_ENUM_SYMBOLS:
      description = fmt::format("The {} schema is missing enum symbols '{}' at path '{}' in the {} schema", reader_label,
                                i.additional_info, i.location, writer_label);
      break;
    case IncompatibilityType::READER_FIELD_MISSING_DEFAULT_VALUE:
      description = fmt::format("The field '{}' at path '{}' in the {} schema has no default value and is missing in the {} schema",
                                i.additional_info, i.location, reader_label, writer_label);
      break;
    case IncompatibilityType::TYPE_MISMATCH:
      description = fmt::format("The type (path '{}') of a field in the {} schema does not match with the {} schema",
                                i.location, reader_label, writer_label);
      break;
    case IncompatibilityType::MISSING_UNION_BRANCH:
      description = fmt::format("The {} schema is missing a type inside a union field at path '{}' in the {} schema",
                                reader_label, i.location, writer_label);
      break;
  }
  return fmt::format("{{errorType:'{}', description:'{}', additionalInfo:'{}'}}", incompatibility_name(i.type),
                     description, i.additional_info);
}

}  // namespace klab::schema
