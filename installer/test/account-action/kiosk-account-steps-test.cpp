// Unit tests of the account action's steps (installer/msi/account-action/kiosk-account-steps.h)
// against a fake local account database: wine's netapi32 cannot hold a real account. Built with the
// host compiler by installer/test/account-action.test.ts. Prints "ok <case>" or "not ok <case>: why"
// per case, then "N passed, M failed"; exits 0 only when all passed.
#include <cstdio>
#include <cstring>
#include <map>
#include <new>
#include <set>
#include <string>
#include <vector>

#include "kiosk-account-steps.h"

using namespace mypass_account;

namespace {

constexpr Status kNerrUserNotFound = 2221;
const std::wstring kMark = MYPASS_KIOSK_ACCOUNT_COMMENT;
const std::set<std::wstring> kMyPassRights = {
    L"SeBatchLogonRight",          L"SeDenyInteractiveLogonRight", L"SeDenyNetworkLogonRight",
    L"SeDenyRemoteInteractiveLogonRight", L"SeDenyServiceLogonRight",
};

// A local account database with one name in it (or not), recording every call.
class FakeSystem final : public AccountSystem {
 public:
  bool exists = false;
  std::wstring comment;
  std::wstring password;
  bool passwordEverSet = false;
  bool flagsSet = false;
  std::set<std::wstring> groups;
  std::set<std::wstring> rights;
  bool profile = false;
  bool legacySecret = false;
  std::vector<std::string> calls;
  std::map<std::string, Status> failing;  // call name -> the error it returns
  std::vector<std::wstring> reports;
  std::vector<bool> reportIsError;
  unsigned char randomSeed = 7;

  // An account made by hand or by an earlier install, with everything an administrator may add.
  void existing(const std::wstring& description) {
    exists = true;
    comment = description;
    password = L"the old password";
    groups = {L"Users", L"Administrators", L"Remote Desktop Users"};
    rights = {L"SeDebugPrivilege", L"SeInteractiveLogonRight"};
    profile = true;
  }

  bool called(const std::string& name) const {
    for (const auto& call : calls)
      if (call == name) return true;
    return false;
  }

  Status randomBytes(unsigned char* out, std::size_t size) override {
    if (Status error = step("randomBytes")) return error;
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<unsigned char>(randomSeed + 37 * i);
    return kSuccess;
  }
  AddResult addUser(const wchar_t* newPassword, Status& error) override {
    error = step("addUser");
    if (error != kSuccess) return AddResult::Failed;
    if (exists) {
      error = 2224;  // NERR_UserExists
      return AddResult::Exists;
    }
    exists = true;
    comment = kMark;
    password = newPassword;
    passwordEverSet = true;
    groups = {L"Users"};  // NetUserAdd puts a new account in Users
    return AddResult::Created;
  }
  Status readComment(std::wstring& out) override {
    if (Status error = step("readComment")) return error;
    if (!exists) return kNerrUserNotFound;
    out = comment;
    return kSuccess;
  }
  Status setPassword(const wchar_t* newPassword) override {
    if (Status error = step("setPassword")) return error;
    password = newPassword;
    passwordEverSet = true;
    return kSuccess;
  }
  Status setFlags() override {
    if (Status error = step("setFlags")) return error;
    flagsSet = true;
    return kSuccess;
  }
  Status openLsa() override { return step("openLsa"); }
  Status deleteLegacySecret() override {
    if (Status error = step("deleteLegacySecret")) return error;
    legacySecret = false;
    return kSuccess;
  }
  Status lookupAccount(bool& found) override {
    if (Status error = step("lookupAccount")) return error;
    found = exists;
    return kSuccess;
  }
  Status removeAllRights() override {
    if (Status error = step("removeAllRights")) return error;
    rights.clear();
    return kSuccess;
  }
  Status addRights(bool deny) override {
    if (Status error = step(deny ? "addRights(deny)" : "addRights(grant)")) return error;
    if (deny) {
      rights.insert({L"SeDenyInteractiveLogonRight", L"SeDenyNetworkLogonRight",
                     L"SeDenyRemoteInteractiveLogonRight", L"SeDenyServiceLogonRight"});
    } else {
      rights.insert(L"SeBatchLogonRight");
    }
    return kSuccess;
  }
  Status localGroups(std::vector<std::wstring>& out) override {
    if (Status error = step("localGroups")) return error;
    out.assign(groups.begin(), groups.end());
    return kSuccess;
  }
  bool isBuiltinUsers(const std::wstring& group) override { return group == L"Users"; }
  Status leaveGroup(const std::wstring& group) override {
    if (Status error = step("leaveGroup")) return error;
    groups.erase(group);
    return kSuccess;
  }
  Status deleteProfile() override {
    if (Status error = step("deleteProfile")) return error;
    profile = false;
    return kSuccess;
  }
  Status deleteUser() override {
    if (Status error = step("deleteUser")) return error;
    exists = false;
    comment.clear();
    groups.clear();
    return kSuccess;
  }
  void report(bool error, const std::wstring& message) override {
    reports.push_back(message);
    reportIsError.push_back(error);
  }

 private:
  Status step(const std::string& name) {
    calls.push_back(name);
    const auto failure = failing.find(name);
    return failure == failing.end() ? kSuccess : failure->second;
  }
};

std::string narrow(const std::wstring& text) {
  std::string out;
  for (wchar_t c : text) out.push_back(c < 128 ? static_cast<char>(c) : '?');
  return out;
}

struct Failure {
  std::string why;
};

void check(bool condition, const std::string& why) {
  if (!condition) throw Failure{why};
}

void checkOneReport(const FakeSystem& fake, const std::wstring& expected, bool error) {
  check(fake.reports.size() == 1, "expected one report, got " + std::to_string(fake.reports.size()));
  check(fake.reports[0] == expected, "report was \"" + narrow(fake.reports[0]) + "\"");
  check(fake.reportIsError[0] == error, "report type");
}

// No report ever carries the password the account was given.
void checkPasswordNotReported(const FakeSystem& fake) {
  for (const auto& message : fake.reports)
    check(fake.password.empty() || message.find(fake.password) == std::wstring::npos, "password reported");
}

bool hasEveryClass(const std::wstring& value) {
  bool upper = false, lower = false, digit = false, other = false;
  for (wchar_t c : value) {
    if (c >= L'A' && c <= L'Z') upper = true;
    else if (c >= L'a' && c <= L'z') lower = true;
    else if (c >= L'0' && c <= L'9') digit = true;
    else other = true;
  }
  return upper && lower && digit && other;
}

void installCreatesTheAccountAndKeepsNoPassword() {
  FakeSystem fake;
  fake.legacySecret = true;  // an older build's secret, left by an upgrade
  check(install(fake) == kOk, "exit code");
  check(fake.exists && fake.comment == kMark, "account created with MyPass's description");
  check(fake.password.size() == kPasswordLength, "password length " + std::to_string(fake.password.size()));
  check(hasEveryClass(fake.password), "password lacks a character class");
  check(!fake.legacySecret, "the legacy LSA secret was not deleted");
  check(fake.rights == kMyPassRights, "rights are not exactly MyPass's");
  check(fake.groups == std::set<std::wstring>{L"Users"}, "groups");
  check(!fake.called("readComment") && !fake.called("setPassword"), "a new account is not adopted");
  checkOneReport(fake, L"MyPass kiosk account: created", false);
  checkPasswordNotReported(fake);
}

void passwordsDifferWithTheRandomBytes() {
  FakeSystem first;
  FakeSystem second;
  second.randomSeed = 8;
  check(install(first) == kOk && install(second) == kOk, "exit code");
  check(first.password != second.password, "the password does not come from the random bytes");
}

void randomFailureCreatesNothing() {
  FakeSystem fake;
  fake.failing["randomBytes"] = 0xC0000001;
  check(install(fake) == kRandomFailed, "exit code");
  check(!fake.exists && fake.calls.size() == 1, "something ran after the random source failed");
  checkOneReport(fake, L"MyPass kiosk account: BCryptGenRandom failed (error 0xc0000001, exit 10)", true);
}

void passwordBufferIsWiped() {
  alignas(Password) unsigned char storage[sizeof(Password)];
  auto* password = new (storage) Password();
  for (std::size_t i = 0; i < kPasswordLength; ++i) password->value[i] = L'x';
  password->~Password();
  for (unsigned char byte : storage) check(byte == 0, "a password byte survived the destructor");
}

void installAdoptsMyPassAccountAndResetsIt() {
  FakeSystem fake;
  fake.existing(kMark);
  check(install(fake) == kOk, "exit code");
  check(fake.password != L"the old password" && fake.password.size() == kPasswordLength, "password not rotated");
  check(fake.flagsSet, "flags not reset");
  check(fake.groups == std::set<std::wstring>{L"Users"}, "still in other groups: " + std::to_string(fake.groups.size()));
  check(fake.rights == kMyPassRights, "other rights kept");
  checkOneReport(fake, L"MyPass kiosk account: updated (new password, rights and groups reset)", false);
  checkPasswordNotReported(fake);
}

const std::wstring kRefused =
    L"MyPass kiosk account: a local account MyPassKiosk exists that MyPass did not create (its description is not "
    L"MyPass's); refused: rename or delete it, then install again (exit 19)";
const std::wstring kLeftInPlace =
    L"MyPass kiosk account: a local account MyPassKiosk exists that MyPass did not create (its description is not "
    L"MyPass's); left in place (exit 19)";

void installRefusesAnAccountMyPassDidNotCreate() {
  for (const std::wstring& description :
       {std::wstring(), std::wstring(L"Kiosk"), kMark + L" ", kMark.substr(0, kMark.size() - 1)}) {
    FakeSystem fake;
    fake.existing(description);
    check(install(fake) == kNotMyPassAccount, "exit code for \"" + narrow(description) + "\"");
    check(fake.password == L"the old password" && !fake.passwordEverSet, "password changed");
    check(!fake.flagsSet, "flags changed");
    check(fake.groups.size() == 3 && fake.rights.size() == 2, "groups or rights changed");
    check(!fake.called("openLsa") && !fake.called("leaveGroup"), "went on after refusing");
    checkOneReport(fake, kRefused, true);
  }
}

void rollbackAfterRefusalLeavesTheAccount() {
  FakeSystem fake;
  fake.existing(L"made by hand");
  check(install(fake) == kNotMyPassAccount, "install exit code");
  // The failed install's rollback action runs uninstall.
  check(uninstall(fake) == kNotMyPassAccount, "uninstall exit code");
  check(fake.exists && fake.profile && fake.groups.size() == 3 && fake.rights.size() == 2, "account touched");
  check(!fake.called("deleteUser") && !fake.called("removeAllRights") && !fake.called("deleteProfile"),
        "a removal step ran");
  check(fake.reports.size() == 2 && fake.reports[1] == kLeftInPlace, "uninstall report");
}

void installStopsWhenTheDescriptionCannotBeRead() {
  FakeSystem fake;
  fake.existing(kMark);
  fake.failing["readComment"] = 5;
  check(install(fake) == kReadAccountFailed, "exit code");
  check(!fake.passwordEverSet && fake.groups.size() == 3, "changed an account it could not identify");
  checkOneReport(fake, L"MyPass kiosk account: NetUserGetInfo failed (error 0x00000005, exit 24)", true);
}

void installFailsWhenItCannotLeaveAGroup() {
  FakeSystem fake;
  fake.existing(kMark);
  fake.failing["leaveGroup"] = 5;
  check(install(fake) == kGroupsFailed, "exit code");
  checkOneReport(fake, L"MyPass kiosk account: NetLocalGroupDelMembers failed (error 0x00000005, exit 18)", true);
  checkPasswordNotReported(fake);
}

void installFailsWhenTheNewAccountCannotBeFound() {
  FakeSystem fake;
  fake.failing["lookupAccount"] = 0x534;
  check(install(fake) == kLookupFailed, "exit code");
  check(!fake.called("addRights(grant)"), "rights given without a SID");
  checkOneReport(fake, L"MyPass kiosk account: LookupAccountNameW failed (error 0x00000534, exit 14)", true);
}

void installReportsANameTakenByAGroup() {
  FakeSystem fake;
  fake.failing["addUser"] = 2223;  // NERR_GroupExists
  check(install(fake) == kCreateUserFailed, "exit code");
  checkOneReport(fake, L"MyPass kiosk account: NetUserAdd failed (error 0x000008af, exit 11)", true);
}

void uninstallRemovesMyPassAccount() {
  FakeSystem fake;
  fake.existing(kMark);
  fake.legacySecret = true;
  check(uninstall(fake) == kOk, "exit code");
  check(!fake.exists && !fake.profile && fake.rights.empty() && !fake.legacySecret, "something left");
  checkOneReport(fake, L"MyPass kiosk account: removed", false);
}

void uninstallLeavesAnAccountMyPassDidNotCreate() {
  FakeSystem fake;
  fake.existing(L"");
  fake.legacySecret = true;
  check(uninstall(fake) == kNotMyPassAccount, "exit code");
  check(!fake.legacySecret, "the legacy secret is MyPass's and goes");
  check(fake.exists && fake.profile && fake.rights.size() == 2 && fake.groups.size() == 3, "account touched");
  checkOneReport(fake, kLeftInPlace, true);
}

void uninstallWithoutAnAccountRemovesOnlyTheSecret() {
  FakeSystem fake;
  fake.legacySecret = true;
  check(uninstall(fake) == kOk, "exit code");
  check(!fake.legacySecret, "secret left");
  check(!fake.called("readComment") && !fake.called("deleteUser"), "acted on a missing account");
  check(fake.reports.empty(), "reported");
}

void uninstallGoesOnAfterAFailedStep() {
  FakeSystem fake;
  fake.existing(kMark);
  fake.failing["deleteLegacySecret"] = 5;
  fake.failing["deleteProfile"] = 32;
  check(uninstall(fake) == kDeleteSecretFailed, "the first failure's code");
  check(!fake.exists && fake.rights.empty(), "stopped after a failed step");
  check(fake.reports.size() == 2, "one report per failed step");
  check(fake.reports[1] == L"MyPass kiosk account: DeleteProfileW failed (error 0x00000020, exit 22)",
        "report " + narrow(fake.reports[1]));
}

}  // namespace

int main() {
  const struct {
    const char* name;
    void (*run)();
  } cases[] = {
      {"install creates the account and keeps no password", installCreatesTheAccountAndKeepsNoPassword},
      {"passwords differ with the random bytes", passwordsDifferWithTheRandomBytes},
      {"a random source failure creates nothing", randomFailureCreatesNothing},
      {"the password buffer is wiped", passwordBufferIsWiped},
      {"install adopts MyPass's account and resets it", installAdoptsMyPassAccountAndResetsIt},
      {"install refuses an account MyPass did not create", installRefusesAnAccountMyPassDidNotCreate},
      {"rollback after a refusal leaves the account", rollbackAfterRefusalLeavesTheAccount},
      {"install stops when the description cannot be read", installStopsWhenTheDescriptionCannotBeRead},
      {"install fails when it cannot leave a group", installFailsWhenItCannotLeaveAGroup},
      {"install fails when the new account cannot be found", installFailsWhenTheNewAccountCannotBeFound},
      {"install reports a name taken by a group", installReportsANameTakenByAGroup},
      {"uninstall removes MyPass's account", uninstallRemovesMyPassAccount},
      {"uninstall leaves an account MyPass did not create", uninstallLeavesAnAccountMyPassDidNotCreate},
      {"uninstall without an account removes only the secret", uninstallWithoutAnAccountRemovesOnlyTheSecret},
      {"uninstall goes on after a failed step", uninstallGoesOnAfterAFailedStep},
  };
  int passed = 0;
  int failed = 0;
  for (const auto& test : cases) {
    try {
      test.run();
      std::printf("ok %s\n", test.name);
      ++passed;
    } catch (const Failure& failure) {
      std::printf("not ok %s: %s\n", test.name, failure.why.c_str());
      ++failed;
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
