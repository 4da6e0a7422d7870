// mypass-account-action.exe: the MSI's custom action for the kiosk's unprivileged local account
// (wixl has no util:User). Run by Windows Installer as deferred, no-impersonate actions (SYSTEM):
//   install    create the account with a random password that nothing keeps (the provider logs it
//              on by S4U), or adopt MyPass's own account from an earlier install (repair, upgrade)
//              and give it a fresh one; an account MyPass did not create is refused. Then exactly
//              MyPass's logon rights and no local group but Users.
//   uninstall  remove the secret earlier builds kept, then, only for MyPass's own account, its
//              rights, its profile and the account.
// The steps are in kiosk-account-steps.h; this file makes their Win32/LSA calls. Every result is
// checked; a failure exits non-zero with the step's code (the MSI then rolls back) and writes one
// Application event log entry (source "MyPass Setup"). The password only ever goes to NetUserAdd or
// NetUserSetInfo and is wiped after use.
#include <windows.h>
// windows.h first: these headers need its types.
#include <bcrypt.h>
#include <lm.h>
#include <ntsecapi.h>
#include <sddl.h>
#include <userenv.h>

#include <cstdio>
#include <cwchar>
#include <iterator>
#include <string>
#include <vector>

#include "kiosk-account-steps.h"
#include "kiosk-account.h"

#ifndef STATUS_OBJECT_NAME_NOT_FOUND
#define STATUS_OBJECT_NAME_NOT_FOUND ((NTSTATUS)0xC0000034L)
#endif

namespace {

using mypass_account::AddResult;
using mypass_account::kSuccess;
using mypass_account::Status;

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

constexpr DWORD kAccountFlags = UF_SCRIPT | UF_DONT_EXPIRE_PASSWD | UF_PASSWD_CANT_CHANGE | UF_NORMAL_ACCOUNT;

LSA_UNICODE_STRING lsaString(const std::wstring& text) {
  LSA_UNICODE_STRING result;
  result.Buffer = const_cast<wchar_t*>(text.c_str());
  result.Length = static_cast<USHORT>(text.size() * sizeof(wchar_t));
  result.MaximumLength = result.Length;
  return result;
}

Status lsaError(NTSTATUS status) { return status == 0 ? kSuccess : LsaNtStatusToWinError(status); }

// "COMPUTER\MyPassKiosk": the local account, never a domain account of the same name.
std::wstring qualifiedName() {
  wchar_t computer[MAX_COMPUTERNAME_LENGTH + 1];
  DWORD size = MAX_COMPUTERNAME_LENGTH + 1;
  if (!GetComputerNameW(computer, &size)) return MYPASS_KIOSK_ACCOUNT;
  return std::wstring(computer) + L"\\" + MYPASS_KIOSK_ACCOUNT;
}

class WindowsAccountSystem final : public mypass_account::AccountSystem {
 public:
  ~WindowsAccountSystem() override {
    if (policy_ != nullptr) LsaClose(policy_);
  }

  Status randomBytes(unsigned char* out, std::size_t size) override {
    const NTSTATUS status = BCryptGenRandom(nullptr, out, static_cast<ULONG>(size), BCRYPT_USE_SYSTEM_PREFERRED_RNG);
    return BCRYPT_SUCCESS(status) ? kSuccess : static_cast<Status>(status);
  }

  AddResult addUser(const wchar_t* password, Status& error) override {
    USER_INFO_1 user{};
    user.usri1_name = const_cast<wchar_t*>(MYPASS_KIOSK_ACCOUNT);
    user.usri1_password = const_cast<wchar_t*>(password);
    user.usri1_priv = USER_PRIV_USER;
    user.usri1_comment = const_cast<wchar_t*>(MYPASS_KIOSK_ACCOUNT_COMMENT);
    user.usri1_flags = kAccountFlags;
    DWORD badField = 0;
    error = NetUserAdd(nullptr, 1, reinterpret_cast<BYTE*>(&user), &badField);
    if (error == NERR_Success) return AddResult::Created;
    return error == NERR_UserExists ? AddResult::Exists : AddResult::Failed;
  }

  Status readComment(std::wstring& comment) override {
    BYTE* buffer = nullptr;
    const NET_API_STATUS status = NetUserGetInfo(nullptr, MYPASS_KIOSK_ACCOUNT, 1, &buffer);
    if (status == NERR_Success) {
      const wchar_t* text = reinterpret_cast<USER_INFO_1*>(buffer)->usri1_comment;
      comment = text != nullptr ? text : L"";
    }
    if (buffer != nullptr) NetApiBufferFree(buffer);
    return status;
  }

  Status setPassword(const wchar_t* password) override {
    USER_INFO_1003 info{const_cast<wchar_t*>(password)};
    DWORD badField = 0;
    return NetUserSetInfo(nullptr, MYPASS_KIOSK_ACCOUNT, 1003, reinterpret_cast<BYTE*>(&info), &badField);
  }

  Status setFlags() override {
    USER_INFO_1008 info{kAccountFlags};
    DWORD badField = 0;
    return NetUserSetInfo(nullptr, MYPASS_KIOSK_ACCOUNT, 1008, reinterpret_cast<BYTE*>(&info), &badField);
  }

  Status openLsa() override {
    LSA_OBJECT_ATTRIBUTES attributes{};
    return lsaError(
        LsaOpenPolicy(nullptr, &attributes, POLICY_CREATE_SECRET | POLICY_LOOKUP_NAMES | POLICY_CREATE_ACCOUNT, &policy_));
  }

  Status deleteLegacySecret() override {
    const std::wstring name = MYPASS_KIOSK_SECRET;
    LSA_UNICODE_STRING key = lsaString(name);
    // A null value deletes the secret; "not found" means there is nothing to remove.
    const NTSTATUS status = LsaStorePrivateData(policy_, &key, nullptr);
    return status == STATUS_OBJECT_NAME_NOT_FOUND ? kSuccess : lsaError(status);
  }

  // Only a user counts: a group or alias of the same name is not the kiosk account.
  Status lookupAccount(bool& exists) override {
    DWORD sidSize = 0;
    DWORD domainSize = 0;
    SID_NAME_USE use;
    const std::wstring name = qualifiedName();
    LookupAccountNameW(nullptr, name.c_str(), nullptr, &sidSize, nullptr, &domainSize, &use);
    DWORD error = GetLastError();
    exists = false;
    if (error == ERROR_NONE_MAPPED) return kSuccess;
    if (error != ERROR_INSUFFICIENT_BUFFER) return error;
    sid_.resize(sidSize);
    std::vector<wchar_t> domain(domainSize);
    if (!LookupAccountNameW(nullptr, name.c_str(), sid_.data(), &sidSize, domain.data(), &domainSize, &use))
      return GetLastError();
    exists = use == SidTypeUser;
    return kSuccess;
  }

  Status removeAllRights() override {
    const NTSTATUS status = LsaRemoveAccountRights(policy_, sid_.data(), TRUE, nullptr, 0);
    return status == STATUS_OBJECT_NAME_NOT_FOUND ? kSuccess : lsaError(status);
  }

  Status addRights(bool deny) override {
    std::vector<LSA_UNICODE_STRING> strings;
    std::vector<std::wstring> names;
    if (deny)
      names.assign(std::begin(kDeniedRights), std::end(kDeniedRights));
    else
      names.assign(std::begin(kGrantedRights), std::end(kGrantedRights));
    for (const auto& name : names) strings.push_back(lsaString(name));
    return lsaError(LsaAddAccountRights(policy_, sid_.data(), strings.data(), static_cast<ULONG>(strings.size())));
  }

  Status localGroups(std::vector<std::wstring>& groups) override {
    BYTE* buffer = nullptr;
    DWORD read = 0;
    DWORD total = 0;
    const NET_API_STATUS status =
        NetUserGetLocalGroups(nullptr, MYPASS_KIOSK_ACCOUNT, 0, 0, &buffer, MAX_PREFERRED_LENGTH, &read, &total);
    if (status == NERR_Success) {
      const auto* entries = reinterpret_cast<LOCALGROUP_USERS_INFO_0*>(buffer);
      for (DWORD i = 0; i < read; ++i) groups.emplace_back(entries[i].lgrui0_name);
    }
    if (buffer != nullptr) NetApiBufferFree(buffer);
    return status;
  }

  bool isBuiltinUsers(const std::wstring& group) override {
    BYTE usersSid[SECURITY_MAX_SID_SIZE];
    DWORD usersSize = sizeof usersSid;
    if (!CreateWellKnownSid(WinBuiltinUsersSid, nullptr, usersSid, &usersSize)) return false;
    BYTE groupSid[SECURITY_MAX_SID_SIZE];
    DWORD groupSize = sizeof groupSid;
    wchar_t domain[DNLEN + 1];
    DWORD domainSize = DNLEN + 1;
    SID_NAME_USE use;
    // Not found or not comparable: not Users, so the account leaves it.
    if (!LookupAccountNameW(nullptr, group.c_str(), groupSid, &groupSize, domain, &domainSize, &use)) return false;
    return EqualSid(usersSid, groupSid) != FALSE;
  }

  Status leaveGroup(const std::wstring& group) override {
    std::wstring name = qualifiedName();
    LOCALGROUP_MEMBERS_INFO_3 member;
    member.lgrmi3_domainandname = &name[0];
    const NET_API_STATUS status =
        NetLocalGroupDelMembers(nullptr, group.c_str(), 3, reinterpret_cast<BYTE*>(&member), 1);
    return status == ERROR_MEMBER_NOT_IN_ALIAS || status == ERROR_NO_SUCH_MEMBER ? kSuccess : status;
  }

  Status deleteProfile() override {
    wchar_t* sidText = nullptr;
    if (!ConvertSidToStringSidW(sid_.data(), &sidText)) return GetLastError();
    const BOOL deleted = DeleteProfileW(sidText, nullptr, nullptr);
    const DWORD error = deleted ? ERROR_SUCCESS : GetLastError();
    LocalFree(sidText);
    return error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND ? kSuccess : error;
  }

  Status deleteUser() override {
    const NET_API_STATUS status = NetUserDel(nullptr, MYPASS_KIOSK_ACCOUNT);
    return status == NERR_UserNotFound ? kSuccess : status;
  }

  void report(bool error, const std::wstring& message) override {
    std::fwprintf(stderr, L"%ls\n", message.c_str());
    HANDLE source = RegisterEventSourceW(nullptr, L"MyPass Setup");
    if (source == nullptr) return;  // logging is best effort; the exit code still says what failed
    const wchar_t* strings[] = {message.c_str()};
    ReportEventW(source, error ? EVENTLOG_ERROR_TYPE : EVENTLOG_INFORMATION_TYPE, 0, 0, nullptr, 1, 0, strings,
                 nullptr);
    DeregisterEventSource(source);
  }

 private:
  LSA_HANDLE policy_ = nullptr;
  std::vector<BYTE> sid_;
};

}  // namespace

int wmain(int argc, wchar_t** argv) {
  WindowsAccountSystem system;
  if (argc == 2 && std::wcscmp(argv[1], L"install") == 0) return mypass_account::install(system);
  if (argc == 2 && std::wcscmp(argv[1], L"uninstall") == 0) return mypass_account::uninstall(system);
  std::fwprintf(stderr, L"usage: mypass-account-action.exe install|uninstall\n");
  return mypass_account::kUsage;
}
