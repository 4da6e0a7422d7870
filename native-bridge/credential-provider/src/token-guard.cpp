#include "token-guard.h"

namespace mypass {
namespace {

// Privileges that amount to administrator or SYSTEM (read any file, load a driver, act as part of the
// OS, debug LogonUI, impersonate or mint tokens...). The installer may have adopted an existing account,
// so the kiosk's token is checked, not assumed.
const wchar_t* const kPowerfulPrivileges[] = {
    L"SeDebugPrivilege",         L"SeBackupPrivilege",          L"SeRestorePrivilege",
    L"SeTakeOwnershipPrivilege", L"SeImpersonatePrivilege",     L"SeLoadDriverPrivilege",
    L"SeTcbPrivilege",           L"SeAssignPrimaryTokenPrivilege", L"SeCreateTokenPrivilege",
    L"SeSecurityPrivilege",      L"SeManageVolumePrivilege",    L"SeRelabelPrivilege",
    L"SeSystemEnvironmentPrivilege", L"SeTrustedCredManAccessPrivilege", L"SeEnableDelegationPrivilege",
};

// Built-in groups whose members hold, or can give themselves, the rights above.
const wchar_t* const kPrivilegedBuiltinGroups[] = {
    L"S-1-5-32-544",  // Administrators
    L"S-1-5-32-547",  // Power Users
    L"S-1-5-32-548",  // Account Operators
    L"S-1-5-32-549",  // Server Operators
    L"S-1-5-32-550",  // Print Operators (load drivers)
    L"S-1-5-32-551",  // Backup Operators
    L"S-1-5-32-556",  // Network Configuration Operators
    L"S-1-5-32-569",  // Cryptographic Operators
    L"S-1-5-32-578",  // Hyper-V Administrators
    L"S-1-5-114",     // Local account and member of Administrators
    L"S-1-5-18",      // SYSTEM as a group
};

// Domain groups by RID (S-1-5-21-<domain>-<rid>): Domain Admins, Domain Controllers, Schema Admins,
// Enterprise Admins, Group Policy Creator Owners, Read-only Domain Controllers, Enterprise Key Admins/Key Admins.
const wchar_t* const kPrivilegedDomainRids[] = {L"-512", L"-516", L"-518", L"-519", L"-520", L"-521", L"-526", L"-527"};

bool EndsWith(const std::wstring& text, const std::wstring& tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

bool IsPrivilegedGroup(const std::wstring& sid) {
  for (const wchar_t* group : kPrivilegedBuiltinGroups) {
    if (sid == group) return true;
  }
  if (sid.compare(0, 9, L"S-1-5-21-") == 0) {
    for (const wchar_t* rid : kPrivilegedDomainRids) {
      if (EndsWith(sid, rid)) return true;
    }
  }
  return false;
}

}  // namespace

const char* TokenVerdictCode(TokenVerdict verdict) {
  switch (verdict) {
    case TokenVerdict::Ok: return "ok";
    case TokenVerdict::ServiceAccount: return "token_service_account";
    case TokenVerdict::SameUserAsProvider: return "token_same_user_as_provider";
    case TokenVerdict::SameLogonSession: return "token_same_logon_session";
    case TokenVerdict::NotKioskAccount: return "token_not_kiosk_account";
    case TokenVerdict::Administrator: return "token_administrator";
    case TokenVerdict::PrivilegedGroup: return "token_privileged_group";
    case TokenVerdict::PowerfulPrivilege: return "token_powerful_privilege";
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
  for (const auto& group : kiosk.groupSids) {
    if (group == L"S-1-5-32-544") return TokenVerdict::Administrator;
    if (IsPrivilegedGroup(group)) return TokenVerdict::PrivilegedGroup;
  }
  for (const auto& privilege : kiosk.privileges) {
    for (const wchar_t* powerful : kPowerfulPrivileges) {
      if (privilege == powerful) return TokenVerdict::PowerfulPrivilege;
    }
  }
  return TokenVerdict::Ok;
}

}  // namespace mypass
