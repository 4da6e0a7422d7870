// The last check before CreateProcessAsUserW: the kiosk's token must belong to the dedicated kiosk
// account and have nothing of LogonUI's SYSTEM identity (threat model T7). Portable so it is unit-tested.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mypass {

struct TokenFacts {
  std::wstring userSid;       // S-1-5-...
  uint64_t logonSession = 0;  // TOKEN_STATISTICS.AuthenticationId
  bool administrators = false;  // BUILTIN\Administrators present and not deny-only
  std::vector<std::wstring> groupSids = {};   // groups present and not deny-only, as S-1-... strings
  std::vector<std::wstring> privileges = {};  // privileges present (enabled or not: the holder may enable them)
};

enum class TokenVerdict {
  Ok,
  ServiceAccount,
  SameUserAsProvider,
  SameLogonSession,
  NotKioskAccount,
  Administrator,
  PrivilegedGroup,
  PowerfulPrivilege,
};

/** Stable code for the event log and tests. */
const char* TokenVerdictCode(TokenVerdict verdict);

TokenVerdict CheckKioskToken(const TokenFacts& kiosk, const TokenFacts& provider, const std::wstring& kioskAccountSid);

}  // namespace mypass
