// mypass-account-action.exe: the MSI's custom action for the kiosk's unprivileged local account
// (wixl has no util:User). Run by Windows Installer as deferred, no-impersonate actions (SYSTEM):
//   install    create the account, or, if it exists, give it a fresh password (idempotent, so a
//              repair or a major upgrade rotates the password); keep the password only as LSA
//              private data; set its logon rights; make sure it is in no Administrators group.
//   uninstall  remove the secret, the account's rights, its profile and the account.
// Every Win32/LSA result is checked; a failure exits non-zero with the step's code (the MSI then
// rolls back) and writes one Application event log entry (source "MyPass Setup"). The password
// never leaves this process except into NetUserAdd/NetUserSetInfo and LsaStorePrivateData, and is
// wiped after use.
#include <windows.h>
// windows.h first: these headers need its types.
#include <bcrypt.h>
#include <lm.h>
#include <ntsecapi.h>
#include <sddl.h>
#include <userenv.h>

#include <cstdio>
#include <cwchar>
#include <string>
#include <vector>

#include "kiosk-account.h"

#ifndef STATUS_OBJECT_NAME_NOT_FOUND
#define STATUS_OBJECT_NAME_NOT_FOUND ((NTSTATUS)0xC0000034L)
#endif

namespace {

// Exit codes (stable: WINDOWS-TESTING.md and the MSI log refer to them).
enum ExitCode : int {
  kOk = 0,
  kUsage = 2,
  kRandomFailed = 10,
  kCreateUserFailed = 11,
  kSetPasswordFailed = 12,
  kSetFlagsFailed = 13,
  kLookupFailed = 14,
  kLsaOpenFailed = 15,
  kStoreSecretFailed = 16,
  kRightsFailed = 17,
  kAdminGroupFailed = 18,
  kDeleteSecretFailed = 20,
  kRemoveRightsFailed = 21,
  kDeleteProfileFailed = 22,
  kDeleteUserFailed = 23,
};

// Rights the kiosk account gets: it logs on only as a batch job (the provider's S4U logon through
// LsaLogonUser uses the Batch logon type), and never at the console, over the network, by Remote
// Desktop or as a service.
const wchar_t* const kGrantedRights[] = {L"SeBatchLogonRight"};
const wchar_t* const kDeniedRights[] = {
    L"SeDenyInteractiveLogonRight",
    L"SeDenyNetworkLogonRight",
    L"SeDenyRemoteInteractiveLogonRight",
    L"SeDenyServiceLogonRight",
};

constexpr size_t kPasswordLength = 48;  // well beyond any local password policy's minimum

void reportEvent(WORD type, const std::wstring& message) {
  std::fwprintf(stderr, L"%ls\n", message.c_str());
  HANDLE source = RegisterEventSourceW(nullptr, L"MyPass Setup");
  if (source == nullptr) return;  // logging is best effort; the exit code still says what failed
  const wchar_t* strings[] = {message.c_str()};
  ReportEventW(source, type, 0, 0, nullptr, 1, 0, strings, nullptr);
  DeregisterEventSource(source);
}

int fail(ExitCode code, const wchar_t* step, unsigned long error) {
  wchar_t text[256];
  std::swprintf(text, 256, L"MyPass kiosk account: %ls failed (error 0x%08lx, exit %d)", step, error,
                static_cast<int>(code));
  reportEvent(EVENTLOG_ERROR_TYPE, text);
  return code;
}

// Wipes the password's characters before the memory is released.
struct Secret {
  std::wstring value;
  ~Secret() {
    if (!value.empty()) SecureZeroMemory(&value[0], value.size() * sizeof(wchar_t));
  }
};

// A random password with every character class Windows' complexity rule counts.
bool makePassword(Secret& out) {
  static const wchar_t* const classes[] = {
      L"ABCDEFGHJKLMNPQRSTUVWXYZ",
      L"abcdefghijkmnopqrstuvwxyz",
      L"23456789",
      L"!#%()*+,-./:;=?@[]^_{}~",
  };
  unsigned char random[kPasswordLength];
  if (!BCRYPT_SUCCESS(BCryptGenRandom(nullptr, random, sizeof random, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
    return false;
  out.value.assign(kPasswordLength, L' ');
  for (size_t i = 0; i < kPasswordLength; ++i) {
    // The first four characters take one of each class, the rest any class.
    const wchar_t* set = classes[i < 4 ? i : random[i] % 4];
    const size_t length = std::wcslen(set);
    // The class takes the low 2 bits, the character the other 6: a slight modulo bias, irrelevant
    // at 48 characters (over 200 bits).
    out.value[i] = set[(random[i] >> 2) % length];
  }
  SecureZeroMemory(random, sizeof random);
  return true;
}

struct LsaHandle {
  LSA_HANDLE handle = nullptr;
  ~LsaHandle() {
    if (handle != nullptr) LsaClose(handle);
  }
};

NTSTATUS openPolicy(LsaHandle& policy) {
  LSA_OBJECT_ATTRIBUTES attributes{};
  return LsaOpenPolicy(nullptr, &attributes, POLICY_CREATE_SECRET | POLICY_LOOKUP_NAMES | POLICY_CREATE_ACCOUNT,
                       &policy.handle);
}

LSA_UNICODE_STRING lsaString(const std::wstring& text) {
  LSA_UNICODE_STRING result;
  result.Buffer = const_cast<wchar_t*>(text.c_str());
  result.Length = static_cast<USHORT>(text.size() * sizeof(wchar_t));
  result.MaximumLength = result.Length;
  return result;
}

// "COMPUTER\MyPassKiosk": the local account, never a domain account of the same name.
std::wstring qualifiedName() {
  wchar_t computer[MAX_COMPUTERNAME_LENGTH + 1];
  DWORD size = MAX_COMPUTERNAME_LENGTH + 1;
  if (!GetComputerNameW(computer, &size)) return MYPASS_KIOSK_ACCOUNT;
  return std::wstring(computer) + L"\\" + MYPASS_KIOSK_ACCOUNT;
}

// The account's SID, or empty when it does not exist.
bool lookupSid(std::vector<BYTE>& sid, DWORD& error) {
  DWORD sidSize = 0;
  DWORD domainSize = 0;
  SID_NAME_USE use;
  const std::wstring name = qualifiedName();
  LookupAccountNameW(nullptr, name.c_str(), nullptr, &sidSize, nullptr, &domainSize, &use);
  error = GetLastError();
  if (error == ERROR_NONE_MAPPED) {
    sid.clear();
    return true;
  }
  if (error != ERROR_INSUFFICIENT_BUFFER) return false;
  sid.resize(sidSize);
  std::vector<wchar_t> domain(domainSize);
  if (!LookupAccountNameW(nullptr, name.c_str(), sid.data(), &sidSize, domain.data(), &domainSize, &use)) {
    error = GetLastError();
    return false;
  }
  return true;
}

NTSTATUS addRights(LSA_HANDLE policy, PSID sid, const wchar_t* const* rights, size_t count) {
  std::vector<std::wstring> names(rights, rights + count);
  std::vector<LSA_UNICODE_STRING> strings;
  for (const auto& name : names) strings.push_back(lsaString(name));
  return LsaAddAccountRights(policy, sid, strings.data(), static_cast<ULONG>(strings.size()));
}

// Removes the account from the built-in Administrators group (found by SID: its name is localized).
int leaveAdministrators() {
  BYTE adminsSid[SECURITY_MAX_SID_SIZE];
  DWORD sidSize = sizeof adminsSid;
  if (!CreateWellKnownSid(WinBuiltinAdministratorsSid, nullptr, adminsSid, &sidSize))
    return fail(kAdminGroupFailed, L"CreateWellKnownSid(Administrators)", GetLastError());
  wchar_t group[GNLEN + 1];
  wchar_t domain[DNLEN + 1];
  DWORD groupSize = GNLEN + 1;
  DWORD domainSize = DNLEN + 1;
  SID_NAME_USE use;
  if (!LookupAccountSidW(nullptr, adminsSid, group, &groupSize, domain, &domainSize, &use))
    return fail(kAdminGroupFailed, L"LookupAccountSidW(Administrators)", GetLastError());
  std::wstring name = qualifiedName();
  LOCALGROUP_MEMBERS_INFO_3 member;
  member.lgrmi3_domainandname = &name[0];
  const NET_API_STATUS status = NetLocalGroupDelMembers(nullptr, group, 3, reinterpret_cast<BYTE*>(&member), 1);
  if (status != NERR_Success && status != ERROR_MEMBER_NOT_IN_ALIAS && status != ERROR_NO_SUCH_MEMBER)
    return fail(kAdminGroupFailed, L"NetLocalGroupDelMembers(Administrators)", status);
  return kOk;
}

int install() {
  Secret password;
  if (!makePassword(password)) return fail(kRandomFailed, L"BCryptGenRandom", GetLastError());

  const DWORD flags = UF_SCRIPT | UF_DONT_EXPIRE_PASSWD | UF_PASSWD_CANT_CHANGE | UF_NORMAL_ACCOUNT;
  USER_INFO_1 user{};
  user.usri1_name = const_cast<wchar_t*>(MYPASS_KIOSK_ACCOUNT);
  user.usri1_password = &password.value[0];
  user.usri1_priv = USER_PRIV_USER;
  user.usri1_comment = const_cast<wchar_t*>(MYPASS_KIOSK_ACCOUNT_COMMENT);
  user.usri1_flags = flags;
  DWORD badField = 0;
  NET_API_STATUS status = NetUserAdd(nullptr, 1, reinterpret_cast<BYTE*>(&user), &badField);
  if (status == NERR_UserExists) {
    // Repair or upgrade: rotate the password and reset the flags of the existing account.
    USER_INFO_1003 newPassword{&password.value[0]};
    status = NetUserSetInfo(nullptr, MYPASS_KIOSK_ACCOUNT, 1003, reinterpret_cast<BYTE*>(&newPassword), &badField);
    if (status != NERR_Success) return fail(kSetPasswordFailed, L"NetUserSetInfo(password)", status);
    USER_INFO_1008 newFlags{flags};
    status = NetUserSetInfo(nullptr, MYPASS_KIOSK_ACCOUNT, 1008, reinterpret_cast<BYTE*>(&newFlags), &badField);
    if (status != NERR_Success) return fail(kSetFlagsFailed, L"NetUserSetInfo(flags)", status);
  } else if (status != NERR_Success) {
    return fail(kCreateUserFailed, L"NetUserAdd", status);
  }

  LsaHandle policy;
  NTSTATUS nt = openPolicy(policy);
  if (nt != 0) return fail(kLsaOpenFailed, L"LsaOpenPolicy", LsaNtStatusToWinError(nt));
  const std::wstring secretName = MYPASS_KIOSK_SECRET;
  LSA_UNICODE_STRING key = lsaString(secretName);
  LSA_UNICODE_STRING data = lsaString(password.value);
  nt = LsaStorePrivateData(policy.handle, &key, &data);
  if (nt != 0) return fail(kStoreSecretFailed, L"LsaStorePrivateData", LsaNtStatusToWinError(nt));

  std::vector<BYTE> sid;
  DWORD error = 0;
  if (!lookupSid(sid, error) || sid.empty()) return fail(kLookupFailed, L"LookupAccountNameW", error);
  nt = addRights(policy.handle, sid.data(), kGrantedRights, sizeof kGrantedRights / sizeof *kGrantedRights);
  if (nt != 0) return fail(kRightsFailed, L"LsaAddAccountRights(granted)", LsaNtStatusToWinError(nt));
  nt = addRights(policy.handle, sid.data(), kDeniedRights, sizeof kDeniedRights / sizeof *kDeniedRights);
  if (nt != 0) return fail(kRightsFailed, L"LsaAddAccountRights(denied)", LsaNtStatusToWinError(nt));

  const int admins = leaveAdministrators();
  if (admins != kOk) return admins;
  reportEvent(EVENTLOG_INFORMATION_TYPE, L"MyPass kiosk account: created or updated, password rotated");
  return kOk;
}

// Removes what it can and goes on after a failure (a half-removed account is worse than one step
// left over); returns the first failure's code.
int uninstall() {
  int result = kOk;
  const auto keep = [&result](int code) {
    if (result == kOk) result = code;
  };
  LsaHandle policy;
  NTSTATUS nt = openPolicy(policy);
  if (nt != 0) return fail(kLsaOpenFailed, L"LsaOpenPolicy", LsaNtStatusToWinError(nt));
  const std::wstring secretName = MYPASS_KIOSK_SECRET;
  LSA_UNICODE_STRING key = lsaString(secretName);
  // A null value deletes the secret; "not found" means there is nothing left to remove.
  nt = LsaStorePrivateData(policy.handle, &key, nullptr);
  if (nt != 0 && nt != STATUS_OBJECT_NAME_NOT_FOUND)
    keep(fail(kDeleteSecretFailed, L"LsaStorePrivateData(delete)", LsaNtStatusToWinError(nt)));

  std::vector<BYTE> sid;
  DWORD error = 0;
  if (!lookupSid(sid, error)) return fail(kLookupFailed, L"LookupAccountNameW", error);
  if (sid.empty()) return result;  // the account is already gone

  nt = LsaRemoveAccountRights(policy.handle, sid.data(), TRUE, nullptr, 0);
  if (nt != 0 && nt != STATUS_OBJECT_NAME_NOT_FOUND)
    keep(fail(kRemoveRightsFailed, L"LsaRemoveAccountRights", LsaNtStatusToWinError(nt)));

  // The kiosk's runs leave a profile (C:\Users\MyPassKiosk); it has no use without the account.
  wchar_t* sidText = nullptr;
  if (ConvertSidToStringSidW(sid.data(), &sidText)) {
    const BOOL deleted = DeleteProfileW(sidText, nullptr, nullptr);
    const DWORD profileError = deleted ? ERROR_SUCCESS : GetLastError();
    LocalFree(sidText);
    if (!deleted && profileError != ERROR_FILE_NOT_FOUND && profileError != ERROR_PATH_NOT_FOUND)
      keep(fail(kDeleteProfileFailed, L"DeleteProfileW", profileError));
  } else {
    keep(fail(kDeleteProfileFailed, L"ConvertSidToStringSidW", GetLastError()));
  }

  const NET_API_STATUS status = NetUserDel(nullptr, MYPASS_KIOSK_ACCOUNT);
  if (status != NERR_Success && status != NERR_UserNotFound) keep(fail(kDeleteUserFailed, L"NetUserDel", status));
  if (result == kOk) reportEvent(EVENTLOG_INFORMATION_TYPE, L"MyPass kiosk account: removed");
  return result;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc == 2 && std::wcscmp(argv[1], L"install") == 0) return install();
  if (argc == 2 && std::wcscmp(argv[1], L"uninstall") == 0) return uninstall();
  std::fwprintf(stderr, L"usage: mypass-account-action.exe install|uninstall\n");
  return kUsage;
}
