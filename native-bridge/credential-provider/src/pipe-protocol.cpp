#include "pipe-protocol.h"

#include "json-text.h"
#include "wide-text.h"

namespace mypass {
namespace {

constexpr size_t kMaxUserName = 256;
constexpr size_t kMaxPassword = 256;

void WipeJson(JsonValue& v) {
  WipeString(v.text);
  for (auto& item : v.items) WipeJson(item);
  for (auto& member : v.members) WipeJson(member.second);
}

PipeError ParseInto(const JsonValue& root, const std::string& nonce, KioskResult& out) {
  if (root.kind != JsonValue::Kind::Object) return PipeError::MessageInvalid;
  static const char* const kAllowed[] = {"version", "nonce", "outcome", "purpose", "userName", "newPassword"};
  for (const auto& m : root.members) {
    bool known = false;
    for (const char* name : kAllowed) known = known || m.first == name;
    if (!known) return PipeError::MessageInvalid;
  }
  const JsonValue* version = root.Find("version");
  const JsonValue* nonceValue = root.Find("nonce");
  const JsonValue* outcome = root.Find("outcome");
  const JsonValue* purpose = root.Find("purpose");
  const JsonValue* userName = root.Find("userName");
  const JsonValue* password = root.Find("newPassword");
  if (version == nullptr || version->kind != JsonValue::Kind::Number || version->text != "1") {
    return PipeError::MessageInvalid;
  }
  if (nonceValue == nullptr || nonceValue->kind != JsonValue::Kind::String) return PipeError::MessageInvalid;
  if (outcome == nullptr || outcome->kind != JsonValue::Kind::String) return PipeError::MessageInvalid;
  if (purpose == nullptr || purpose->kind != JsonValue::Kind::String) return PipeError::MessageInvalid;

  if (outcome->text == "completed") out.outcome = Outcome::Completed;
  else if (outcome->text == "cancelled") out.outcome = Outcome::Cancelled;
  else if (outcome->text == "timeout") out.outcome = Outcome::Timeout;
  else if (outcome->text == "error") out.outcome = Outcome::Error;
  else return PipeError::MessageInvalid;

  if (purpose->text == "reset") out.purpose = Purpose::Reset;
  else if (purpose->text == "enroll") out.purpose = Purpose::Enroll;
  else return PipeError::MessageInvalid;

  if (userName != nullptr) {
    if (userName->kind != JsonValue::Kind::String) return PipeError::MessageInvalid;
    auto wide = WideFromUtf8(userName->text);
    if (!wide || wide->empty() || wide->size() > kMaxUserName) return PipeError::MessageInvalid;
    out.userName = *wide;
  }
  if (password != nullptr) {
    const bool allowed = out.outcome == Outcome::Completed && out.purpose == Purpose::Reset && userName != nullptr;
    if (!allowed || password->kind != JsonValue::Kind::String) return PipeError::MessageInvalid;
    auto wide = WideFromUtf8(password->text);
    if (!wide || wide->empty() || wide->size() > kMaxPassword) {
      if (wide) WipeString(*wide);
      return PipeError::MessageInvalid;
    }
    out.newPassword.Assign(*wide);
  }
  // Checked last so a wrong nonce is reported as such only for an otherwise valid message.
  if (!NoncesEqual(nonceValue->text, nonce)) {
    out.newPassword.Clear();
    out.userName.reset();
    return PipeError::NonceMismatch;
  }
  return PipeError::None;
}

}  // namespace

const char* PipeErrorCode(PipeError error) {
  switch (error) {
    case PipeError::None: return "ok";
    case PipeError::FrameTooLarge: return "frame_too_large";
    case PipeError::MessageInvalid: return "message_invalid";
    case PipeError::NonceMismatch: return "nonce_mismatch";
    case PipeError::PipeClosed: return "pipe_closed";
    case PipeError::PipeTimeout: return "pipe_timeout";
  }
  return "message_invalid";
}

std::string EncodeFrame(const std::string& body) {
  const auto n = static_cast<uint32_t>(body.size());
  std::string frame;
  frame.reserve(body.size() + 4);
  for (int i = 0; i < 4; ++i) frame.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  frame += body;
  return frame;
}

std::optional<uint32_t> FrameLengthFromHeader(const unsigned char header[4]) {
  const uint32_t n = static_cast<uint32_t>(header[0]) | (static_cast<uint32_t>(header[1]) << 8) |
                     (static_cast<uint32_t>(header[2]) << 16) | (static_cast<uint32_t>(header[3]) << 24);
  if (n == 0 || n > kMaxFrameBytes) return std::nullopt;
  return n;
}

std::string BuildPolicyMessage(const std::string& nonce, const std::string& policyObjectJson) {
  std::string out = "{\"version\":1,\"nonce\":";
  AppendJsonString(out, nonce);
  out += ",\"policy\":";
  out += policyObjectJson;
  out += "}";
  return out;
}

bool NoncesEqual(const std::string& a, const std::string& b) {
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(i < b.size() ? b[i] : 0);
  }
  return diff == 0;
}

PipeError ParseResultMessage(std::string& body, const std::string& nonce, KioskResult& out) {
  out = KioskResult{};
  std::optional<JsonValue> root = ParseJson(body);
  WipeString(body);
  if (!root) return PipeError::MessageInvalid;
  const PipeError error = ParseInto(*root, nonce, out);
  WipeJson(*root);
  if (error != PipeError::None) out.newPassword.Clear();
  return error;
}

}  // namespace mypass
