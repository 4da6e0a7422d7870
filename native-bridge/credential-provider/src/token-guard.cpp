#include "token-guard.h"

namespace mypass {

const char* TokenVerdictCode(TokenVerdict verdict) {
  switch (verdict) {
    case TokenVerdict::Ok: return "ok";
    case TokenVerdict::ServiceAccount: return "token_service_account";
    case TokenVerdict::SameUserAsProvider: return "token_same_user_as_provider";
    case TokenVerdict::SameLogonSession: return "token_same_logon_session";
    case TokenVerdict::NotKioskAccount: return "token_not_kiosk_account";
    case TokenVerdict::Administrator: return "token_administrator";
  }
  return "token_not_kiosk_account";
}

TokenVerdict CheckKioskToken(const TokenFacts& kiosk, const TokenFacts& provider, const std::wstring& kioskAccountSid) {
  // LocalSystem, LocalService, NetworkService, and their logon sessions (0x3e7, 0x3e5, 0x3e4).
  if (kiosk.userSid == L"S-1-5-18" || kiosk.userSid == L"S-1-5-19" || kiosk.userSid == L"S-1-5-20") {
    return TokenVerdict::ServiceAccount;
  }
  if (kiosk.logonSession == 0x3e7 || kiosk.logonSession == 0x3e5 || kiosk.logonSession == 0x3e4) {
    return TokenVerdict::ServiceAccount;
  }
  if (kiosk.userSid == provider.userSid) return TokenVerdict::SameUserAsProvider;
  if (kiosk.logonSession == provider.logonSession) return TokenVerdict::SameLogonSession;
  if (kioskAccountSid.empty() || kiosk.userSid != kioskAccountSid) return TokenVerdict::NotKioskAccount;
  // A policy naming an administrator's account as KioskAccount must not give the kiosk admin rights.
  if (kiosk.administrators) return TokenVerdict::Administrator;
  return TokenVerdict::Ok;
}

}  // namespace mypass
