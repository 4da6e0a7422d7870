// The provider's side of native-bridge/pipe/PROTOCOL.md: frames, the policy message it sends and the
// one result message it accepts. Portable (no Win32): the unit tests run it with g++ and under wine.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "secure-buffer.h"

namespace mypass {

constexpr uint32_t kProtocolVersion = 1;
constexpr uint32_t kMaxFrameBytes = 65536;

/** Stable codes, the same words as PROTOCOL.md and the kiosk's provider-pipe.ts. */
enum class PipeError { None, FrameTooLarge, MessageInvalid, NonceMismatch, PipeClosed, PipeTimeout };
const char* PipeErrorCode(PipeError error);

/** 4-byte little-endian length + body. */
std::string EncodeFrame(const std::string& body);
/** The body length a header announces, or nullopt (frame_too_large) for 0 or above the limit. */
std::optional<uint32_t> FrameLengthFromHeader(const unsigned char header[4]);

/** {"version":1,"nonce":...,"policy":<policyObjectJson>} — byte for byte what the vectors pin. */
std::string BuildPolicyMessage(const std::string& nonce, const std::string& policyObjectJson);

enum class Outcome { Completed, Cancelled, Timeout, Error };
enum class Purpose { Reset, Enroll };

struct KioskResult {
  Outcome outcome = Outcome::Error;
  Purpose purpose = Purpose::Reset;
  std::optional<std::wstring> userName;
  SecretWide newPassword;  // only for a completed reset with sign-in after reset on
};

/**
 * Parses a result body against the nonce this provider sent. Wipes `body` before returning (it may hold
 * the password). Unknown members, a wrong version, a password where none may be, or invalid UTF-8/JSON
 * are message_invalid; a well-formed message with another nonce is nonce_mismatch.
 */
PipeError ParseResultMessage(std::string& body, const std::string& nonce, KioskResult& out);

/** Constant-time comparison for nonces. */
bool NoncesEqual(const std::string& a, const std::string& b);

}  // namespace mypass
