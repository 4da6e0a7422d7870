// What the account action does, step by step, over an AccountSystem that account-action.cpp
// implements with NetUser*/LSA calls. No windows.h here: the host compiler unit-tests these steps
// against a recording fake (installer/test/account-action/), since wine's netapi32 cannot hold a real
// account (NetUserSetInfo is missing, NetUserAdd never reports an existing user, comments are lost).
#pragma once

#include <cstddef>
#include <cwchar>
#include <string>
#include <vector>

#include "kiosk-account.h"

namespace mypass_account {

// Exit codes (stable: installer/msi/README.md and the MSI log refer to them).
enum ExitCode : int {
  kOk = 0,
  kUsage = 2,
  kRandomFailed = 10,
  kCreateUserFailed = 11,
  kSetPasswordFailed = 12,
  kSetFlagsFailed = 13,
  kLookupFailed = 14,
  kLsaOpenFailed = 15,
  kRightsFailed = 17,
  kGroupsFailed = 18,
  kNotMyPassAccount = 19,
  kDeleteSecretFailed = 20,
  kRemoveRightsFailed = 21,
  kDeleteProfileFailed = 22,
  kDeleteUserFailed = 23,
  kReadAccountFailed = 24,
};

// A Win32/NET error code; 0 is success.
using Status = unsigned long;
constexpr Status kSuccess = 0;

constexpr std::size_t kPasswordLength = 48;  // well beyond any local password policy's minimum

enum class AddResult { Created, Exists, Failed };

// The system calls the steps need, each named after the Win32 call it makes (the event text names
// it). "Nothing to remove" counts as success wherever something is removed.
class AccountSystem {
 public:
  virtual ~AccountSystem() = default;
  virtual Status randomBytes(unsigned char* out, std::size_t size) = 0;  // BCryptGenRandom
  // NetUserAdd of MYPASS_KIOSK_ACCOUNT with MYPASS_KIOSK_ACCOUNT_COMMENT and the kiosk's flags.
  virtual AddResult addUser(const wchar_t* password, Status& error) = 0;
  virtual Status readComment(std::wstring& comment) = 0;      // NetUserGetInfo, level 1
  virtual Status setPassword(const wchar_t* password) = 0;    // NetUserSetInfo, level 1003
  virtual Status setFlags() = 0;                              // NetUserSetInfo, level 1008
  virtual Status openLsa() = 0;                               // LsaOpenPolicy
  virtual Status deleteLegacySecret() = 0;                    // LsaStorePrivateData(name, null)
  virtual Status lookupAccount(bool& exists) = 0;             // LookupAccountNameW; keeps the SID
  virtual Status removeAllRights() = 0;                       // LsaRemoveAccountRights(all)
  virtual Status addRights(bool deny) = 0;                    // LsaAddAccountRights
  virtual Status localGroups(std::vector<std::wstring>& groups) = 0;  // NetUserGetLocalGroups
  virtual bool isBuiltinUsers(const std::wstring& group) = 0;  // by SID: the name is localized
  virtual Status leaveGroup(const std::wstring& group) = 0;   // NetLocalGroupDelMembers
  virtual Status deleteProfile() = 0;                         // DeleteProfileW
  virtual Status deleteUser() = 0;                            // NetUserDel
  virtual void report(bool error, const std::wstring& message) = 0;  // stderr + event log
};

// Overwrites memory the compiler may not skip (what SecureZeroMemory does, without windows.h).
inline void wipe(void* memory, std::size_t size) {
  volatile unsigned char* bytes = static_cast<volatile unsigned char*>(memory);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = 0;
}

// The account's password: set once and forgotten. Nothing keeps it (the provider logs the account
// on by S4U, which needs none), so the buffer is wiped when the steps are done with it.
struct Password {
  wchar_t value[kPasswordLength + 1] = {};
  Password() = default;
  Password(const Password&) = delete;
  Password& operator=(const Password&) = delete;
  ~Password() { wipe(value, sizeof value); }
};

// A random password with every character class Windows' complexity rule counts.
inline bool makePassword(AccountSystem& system, Password& out, Status& error) {
  static const wchar_t* const classes[] = {
      L"ABCDEFGHJKLMNPQRSTUVWXYZ",
      L"abcdefghijkmnopqrstuvwxyz",
      L"23456789",
      L"!#%()*+,-./:;=?@[]^_{}~",
  };
  unsigned char random[kPasswordLength];
  error = system.randomBytes(random, sizeof random);
  if (error != kSuccess) return false;
  for (std::size_t i = 0; i < kPasswordLength; ++i) {
    // The first four characters take one of each class, the rest any class.
    const wchar_t* set = classes[i < 4 ? i : random[i] % 4];
    // The class takes the low 2 bits, the character the other 6: a slight modulo bias, irrelevant
    // at 48 characters (over 200 bits).
    out.value[i] = set[(random[i] >> 2) % std::wcslen(set)];
  }
  out.value[kPasswordLength] = L'\0';
  wipe(random, sizeof random);
  return true;
}

inline int fail(AccountSystem& system, ExitCode code, const wchar_t* step, Status error) {
  wchar_t text[256];
  std::swprintf(text, 256, L"MyPass kiosk account: %ls failed (error 0x%08lx, exit %d)", step, error,
                static_cast<int>(code));
  system.report(true, text);
  return code;
}

// Only an account bearing MyPass's description is MyPass's: one an administrator made (or a
// namesake left by other software) is never adopted, given rights, or deleted.
inline bool isMyPassAccount(const std::wstring& comment) { return comment == MYPASS_KIOSK_ACCOUNT_COMMENT; }

inline int notMyPassAccount(AccountSystem& system, const wchar_t* outcome) {
  wchar_t text[320];
  std::swprintf(text, 320,
                L"MyPass kiosk account: a local account %ls exists that MyPass did not create (its "
                L"description is not MyPass's); %ls (exit %d)",
                MYPASS_KIOSK_ACCOUNT, outcome, static_cast<int>(kNotMyPassAccount));
  system.report(true, text);
  return kNotMyPassAccount;
}

// Leaves every local group but Users: an adopted account may have been put in Administrators,
// Remote Desktop Users or any other group since it was created.
inline int leaveOtherGroups(AccountSystem& system) {
  std::vector<std::wstring> groups;
  Status status = system.localGroups(groups);
  if (status != kSuccess) return fail(system, kGroupsFailed, L"NetUserGetLocalGroups", status);
  for (const std::wstring& group : groups) {
    if (system.isBuiltinUsers(group)) continue;
    status = system.leaveGroup(group);
    if (status != kSuccess) return fail(system, kGroupsFailed, L"NetLocalGroupDelMembers", status);
  }
  return kOk;
}

// install: create the account, or adopt MyPass's own from an earlier install (repair, upgrade) and
// give it a fresh password; either way the password is discarded. Then exactly MyPass's rights and
// no group but Users.
inline int install(AccountSystem& system) {
  bool adopted = false;
  {
    Password password;
    Status error = kSuccess;
    if (!makePassword(system, password, error)) return fail(system, kRandomFailed, L"BCryptGenRandom", error);
    const AddResult added = system.addUser(password.value, error);
    if (added == AddResult::Failed) return fail(system, kCreateUserFailed, L"NetUserAdd", error);
    if (added == AddResult::Exists) {
      std::wstring comment;
      error = system.readComment(comment);
      if (error != kSuccess) return fail(system, kReadAccountFailed, L"NetUserGetInfo", error);
      if (!isMyPassAccount(comment)) return notMyPassAccount(system, L"refused: rename or delete it, then install again");
      adopted = true;
      error = system.setPassword(password.value);
      if (error != kSuccess) return fail(system, kSetPasswordFailed, L"NetUserSetInfo(password)", error);
      error = system.setFlags();
      if (error != kSuccess) return fail(system, kSetFlagsFailed, L"NetUserSetInfo(flags)", error);
    }
  }  // the password is wiped here

  Status error = system.openLsa();
  if (error != kSuccess) return fail(system, kLsaOpenFailed, L"LsaOpenPolicy", error);
  // Earlier builds kept the password as LSA private data; an upgrade removes it (the old product's
  // uninstall action does not run during a major upgrade).
  error = system.deleteLegacySecret();
  if (error != kSuccess) return fail(system, kDeleteSecretFailed, L"LsaStorePrivateData(delete)", error);

  bool exists = false;
  error = system.lookupAccount(exists);
  if (error == kSuccess && !exists) error = 0x534;  // ERROR_NONE_MAPPED: created, yet not found
  if (error != kSuccess) return fail(system, kLookupFailed, L"LookupAccountNameW", error);
  // Exactly MyPass's rights: whatever else an adopted account was granted goes first.
  error = system.removeAllRights();
  if (error != kSuccess) return fail(system, kRightsFailed, L"LsaRemoveAccountRights", error);
  error = system.addRights(false);
  if (error != kSuccess) return fail(system, kRightsFailed, L"LsaAddAccountRights(granted)", error);
  error = system.addRights(true);
  if (error != kSuccess) return fail(system, kRightsFailed, L"LsaAddAccountRights(denied)", error);

  const int groups = leaveOtherGroups(system);
  if (groups != kOk) return groups;
  system.report(false, adopted ? L"MyPass kiosk account: updated (new password, rights and groups reset)"
                               : L"MyPass kiosk account: created");
  return kOk;
}

// uninstall: remove the legacy secret, then the account's rights, profile and the account itself,
// but only when MyPass created it. Goes on after a failed step (a half-removed account is worse
// than one step left over) and returns the first failure's code.
inline int uninstall(AccountSystem& system) {
  int result = kOk;
  const auto keep = [&result](int code) {
    if (result == kOk) result = code;
  };
  Status error = system.openLsa();
  if (error != kSuccess) return fail(system, kLsaOpenFailed, L"LsaOpenPolicy", error);
  error = system.deleteLegacySecret();
  if (error != kSuccess) keep(fail(system, kDeleteSecretFailed, L"LsaStorePrivateData(delete)", error));

  bool exists = false;
  error = system.lookupAccount(exists);
  if (error != kSuccess) return fail(system, kLookupFailed, L"LookupAccountNameW", error);
  if (!exists) return result;  // the account is already gone

  std::wstring comment;
  error = system.readComment(comment);
  if (error != kSuccess) return fail(system, kReadAccountFailed, L"NetUserGetInfo", error);
  if (!isMyPassAccount(comment)) return notMyPassAccount(system, L"left in place");

  error = system.removeAllRights();
  if (error != kSuccess) keep(fail(system, kRemoveRightsFailed, L"LsaRemoveAccountRights", error));
  // The kiosk's runs leave a profile (C:\Users\MyPassKiosk); it has no use without the account.
  error = system.deleteProfile();
  if (error != kSuccess) keep(fail(system, kDeleteProfileFailed, L"DeleteProfileW", error));
  error = system.deleteUser();
  if (error != kSuccess) keep(fail(system, kDeleteUserFailed, L"NetUserDel", error));
  if (result == kOk) system.report(false, L"MyPass kiosk account: removed");
  return result;
}

}  // namespace mypass_account
