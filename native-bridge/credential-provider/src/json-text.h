// A small strict JSON reader and string writer for the pipe messages (RFC 8259). Objects keep member
// order and reject duplicate names; nesting is limited so hostile input cannot exhaust the stack.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mypass {

struct JsonValue {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  std::string text;  // String: UTF-8; Number: the literal as written
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;

  JsonValue() = default;
  JsonValue(const JsonValue&) = default;
  JsonValue(JsonValue&&) noexcept = default;
  JsonValue& operator=(const JsonValue&) = default;
  JsonValue& operator=(JsonValue&&) noexcept = default;
  // Wipes `text` (a string value may be the new password): moved-from locals and the old buffers a
  // growing member vector leaves behind are zeroed too, short strings kept inline included.
  ~JsonValue();

  const JsonValue* Find(const std::string& name) const;
};

/** Parses one JSON document (whitespace around it allowed); nullopt on any error. */
std::optional<JsonValue> ParseJson(const std::string& utf8);

/** Appends `"..."` with JSON escapes (the same bytes JSON.stringify writes for valid UTF-8). */
void AppendJsonString(std::string& out, const std::string& utf8);

}  // namespace mypass
