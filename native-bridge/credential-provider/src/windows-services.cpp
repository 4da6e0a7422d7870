// Production implementations of the launcher's interfaces and the registry policy store.
#include <windows.h>
#include <ntsecapi.h>

#include <set>
#include <vector>

#include "kiosk-launcher.h"
#include "policy.h"
#include "registry-policy-store.h"

namespace mypass {
namespace {

void InitLsaString(LSA_STRING* s, const char* text) {
  const size_t n = strlen(text);
  s->Buffer = const_cast<char*>(text);
  s->Length = static_cast<USHORT>(n);
  s->MaximumLength = static_cast<USHORT>(n + 1);
}

/** S4U logon of the local kiosk account through LsaLogonUser: no stored password, a fresh logon session. */
class S4uTokenSource final : public TokenSource {
 public:
  bool GetKioskToken(const std::wstring& account, HANDLE* token, std::wstring* accountSid, std::string* errorCode) override {
    *token = nullptr;
    BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD sidSize = sizeof sid;
    wchar_t domain[256];
    DWORD domainSize = 256;
    SID_NAME_USE use;
    if (!LookupAccountNameW(nullptr, account.c_str(), sid, &sidSize, domain, &domainSize, &use) || use != SidTypeUser) {
      *errorCode = "kiosk_account_missing";
      return false;
    }
    *accountSid = SidToString(sid);

    HANDLE lsa = nullptr;
    LSA_STRING processName;
    InitLsaString(&processName, "MyPass");
    LSA_OPERATIONAL_MODE mode = 0;
    if (LsaRegisterLogonProcess(&processName, &lsa, &mode) < 0) {
      *errorCode = "kiosk_account_token";
      return false;
    }
    LSA_STRING packageName;
    InitLsaString(&packageName, MSV1_0_PACKAGE_NAME);
    ULONG package = 0;
    bool ok = LsaLookupAuthenticationPackage(lsa, &packageName, &package) >= 0;

    // MSV1_0_S4U_LOGON followed by its two strings, pointers relative to the buffer as LSA expects.
    const std::wstring computer = L".";
    const size_t userBytes = account.size() * sizeof(wchar_t), domainBytes = computer.size() * sizeof(wchar_t);
    std::vector<BYTE> buffer(sizeof(MSV1_0_S4U_LOGON) + userBytes + domainBytes);
    auto* logon = reinterpret_cast<MSV1_0_S4U_LOGON*>(buffer.data());
    logon->MessageType = MsV1_0S4ULogon;
    logon->Flags = 0;
    BYTE* cursor = buffer.data() + sizeof(MSV1_0_S4U_LOGON);
    memcpy(cursor, account.data(), userBytes);
    logon->UserPrincipalName = {static_cast<USHORT>(userBytes), static_cast<USHORT>(userBytes), reinterpret_cast<PWSTR>(cursor)};
    cursor += userBytes;
    memcpy(cursor, computer.data(), domainBytes);
    logon->DomainName = {static_cast<USHORT>(domainBytes), static_cast<USHORT>(domainBytes), reinterpret_cast<PWSTR>(cursor)};

    TOKEN_SOURCE source{};
    memcpy(source.SourceName, "MyPass\0\0", 8);
    ok = ok && AllocateLocallyUniqueId(&source.SourceIdentifier);
    void* profile = nullptr;
    ULONG profileSize = 0;
    LUID logonId{};
    QUOTA_LIMITS quotas{};
    NTSTATUS substatus = 0;
    if (ok) {
      ok = LsaLogonUser(lsa, &processName, Batch, package, buffer.data(), static_cast<ULONG>(buffer.size()), nullptr, &source,
                        &profile, &profileSize, &logonId, token, &quotas, &substatus) >= 0;
    }
    if (profile != nullptr) LsaFreeReturnBuffer(profile);
    LsaDeregisterLogonProcess(lsa);
    if (!ok || *token == nullptr) {
      *errorCode = "kiosk_account_token";
      *token = nullptr;
      return false;
    }
    return true;
  }
};

class CreateProcessAsUserStarter final : public ProcessStarter {
 public:
  bool Start(HANDLE token, const std::wstring& exePath, std::wstring& commandLine, const std::wstring& desktop,
             void* environment, PROCESS_INFORMATION* info) override {
    STARTUPINFOW si{};
    si.cb = sizeof si;
    std::wstring desktopCopy = desktop;
    si.lpDesktop = &desktopCopy[0];
    return CreateProcessAsUserW(token, exePath.c_str(), &commandLine[0], nullptr, nullptr, FALSE,
                                CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT | CREATE_NEW_PROCESS_GROUP, environment,
                                nullptr, &si, info) != FALSE;
  }
};

class ProcessSelfIdentity final : public SelfIdentity {
 public:
  bool Facts(TokenFacts* facts) override {
    HANDLE token = nullptr;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
    const bool ok = ReadTokenFacts(token, facts);
    CloseHandle(token);
    return ok;
  }
};

class ApplicationLogSink final : public EventSink {
 public:
  void Report(WORD type, const std::wstring& message) override {
    HANDLE source = RegisterEventSourceW(nullptr, L"MyPass Credential Provider");
    if (source == nullptr) return;
    LPCWSTR strings[1] = {message.c_str()};
    ReportEventW(source, type, 0, 1000, nullptr, 1, 0, strings, nullptr);
    DeregisterEventSource(source);
  }
};

}  // namespace

RegistryRead RegistryPolicyStore::Read(const PolicyValueSpec& spec) {
  RegistryRead out;
  DWORD flags = 0;
  if (spec.type == REG_DWORD) flags = RRF_RT_REG_DWORD;
  if (spec.type == REG_SZ) flags = RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND;  // never expanded
  if (spec.type == REG_MULTI_SZ) flags = RRF_RT_REG_MULTI_SZ;
  DWORD size = 0;
  LSTATUS rc = RegGetValueW(HKEY_LOCAL_MACHINE, spec.key, spec.name, flags, nullptr, nullptr, &size);
  if (rc == ERROR_FILE_NOT_FOUND) return out;
  if (rc == ERROR_UNSUPPORTED_TYPE) {
    out.state = RegistryRead::State::WrongType;
    return out;
  }
  if (rc != ERROR_SUCCESS && rc != ERROR_MORE_DATA) {
    out.state = RegistryRead::State::Unreadable;
    return out;
  }
  if (size > 64 * 1024 * sizeof(wchar_t)) {
    out.state = RegistryRead::State::Unreadable;
    return out;
  }
  std::vector<BYTE> data(size + 2 * sizeof(wchar_t), 0);
  DWORD dataSize = size;
  rc = RegGetValueW(HKEY_LOCAL_MACHINE, spec.key, spec.name, flags, nullptr, data.data(), &dataSize);
  if (rc != ERROR_SUCCESS) {
    out.state = rc == ERROR_UNSUPPORTED_TYPE ? RegistryRead::State::WrongType : RegistryRead::State::Unreadable;
    return out;
  }
  out.state = RegistryRead::State::Present;
  if (spec.type == REG_DWORD) {
    memcpy(&out.dword, data.data(), sizeof(DWORD));
  } else if (spec.type == REG_SZ) {
    out.text = reinterpret_cast<const wchar_t*>(data.data());
  } else {
    const auto* p = reinterpret_cast<const wchar_t*>(data.data());
    const auto* end = reinterpret_cast<const wchar_t*>(data.data() + dataSize);
    while (p < end && *p != L'\0') {
      std::wstring item = p;
      p += item.size() + 1;
      out.list.push_back(item);
    }
  }
  return out;
}

void LogPolicyNotesOnce(const Policy& policy, EventSink& sink) {
  static std::set<std::wstring> logged;
  static SRWLOCK lock = SRWLOCK_INIT;
  for (const auto& note : policy.notes) {
    const std::wstring problem(note.problem.begin(), note.problem.end());
    const std::wstring key = note.valueName + L"|" + problem;
    AcquireSRWLockExclusive(&lock);
    const bool fresh = logged.insert(key).second;
    ReleaseSRWLockExclusive(&lock);
    if (fresh) sink.Report(EVENTLOG_WARNING_TYPE, L"MyPass policy value " + note.valueName + L": " + problem + L"; the default is used.");
  }
}

std::unique_ptr<TokenSource> MakeS4uTokenSource() { return std::make_unique<S4uTokenSource>(); }
std::unique_ptr<ProcessStarter> MakeCreateProcessAsUserStarter() { return std::make_unique<CreateProcessAsUserStarter>(); }
std::unique_ptr<SelfIdentity> MakeProcessSelfIdentity() { return std::make_unique<ProcessSelfIdentity>(); }
std::unique_ptr<EventSink> MakeApplicationLogSink() { return std::make_unique<ApplicationLogSink>(); }

}  // namespace mypass
