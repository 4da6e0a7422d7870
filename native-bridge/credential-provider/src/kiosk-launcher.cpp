#include "kiosk-launcher.h"

#include <aclapi.h>
#include <bcrypt.h>
#include <sddl.h>
#include <userenv.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kiosk-command-line.h"

namespace mypass {
namespace {

constexpr DWORD kPipeBuffer = 64 * 1024 + 4;
constexpr int kMaxProbes = 3;
constexpr DWORD kProbeWaitMs = 5000;
constexpr DWORD kExitGraceMs = 15000;

struct Handle {
  HANDLE h = nullptr;
  Handle() = default;
  explicit Handle(HANDLE value) : h(value == INVALID_HANDLE_VALUE ? nullptr : value) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { Reset(); }
  void Reset(HANDLE value = nullptr) {
    if (h != nullptr) CloseHandle(h);
    h = value == INVALID_HANDLE_VALUE ? nullptr : value;
  }
};

std::vector<BYTE> TokenInfo(HANDLE token, TOKEN_INFORMATION_CLASS cls) {
  DWORD size = 0;
  GetTokenInformation(token, cls, nullptr, 0, &size);
  if (size == 0) return {};
  std::vector<BYTE> buffer(size);
  if (!GetTokenInformation(token, cls, buffer.data(), size, &size)) return {};
  return buffer;
}

bool LogonSid(HANDLE token, std::vector<BYTE>* sid) {
  std::vector<BYTE> groups = TokenInfo(token, TokenGroups);
  if (groups.empty()) return false;
  const auto* g = reinterpret_cast<const TOKEN_GROUPS*>(groups.data());
  for (DWORD i = 0; i < g->GroupCount; ++i) {
    if ((g->Groups[i].Attributes & SE_GROUP_LOGON_ID) == SE_GROUP_LOGON_ID) {
      const DWORD len = GetLengthSid(g->Groups[i].Sid);
      sid->resize(len);
      return CopySid(len, sid->data(), g->Groups[i].Sid) != FALSE;
    }
  }
  return false;
}

bool Random(unsigned char* out, ULONG size) {
  return BCryptGenRandom(nullptr, out, size, BCRYPT_USE_SYSTEM_PREFERRED_RNG) >= 0;
}

/** Grants the kiosk's logon SID access to winsta0 and its desktop; restores the old DACLs when destroyed. */
class DesktopGrant {
 public:
  ~DesktopGrant() { Revoke(); }
  bool Grant(const std::wstring& desktopPath, PSID logonSid) {
    const size_t slash = desktopPath.find(L'\\');
    const std::wstring station = slash == std::wstring::npos ? L"WinSta0" : desktopPath.substr(0, slash);
    const std::wstring desktop = slash == std::wstring::npos ? desktopPath : desktopPath.substr(slash + 1);
    station_ = OpenWindowStationW(station.c_str(), FALSE, READ_CONTROL | WRITE_DAC);
    if (station_ == nullptr) return false;
    desktop_ = OpenDesktopW(desktop.c_str(), 0, FALSE, READ_CONTROL | WRITE_DAC | DESKTOP_READOBJECTS | DESKTOP_WRITEOBJECTS);
    if (desktop_ == nullptr) return false;
    // The rights Microsoft's "Starting an Interactive Client Process" sample grants the logon SID.
    return Add(station_, &stationSd_, &stationDacl_, logonSid, WINSTA_ALL_ACCESS | READ_CONTROL) &&
           Add(desktop_, &desktopSd_, &desktopDacl_, logonSid, GENERIC_ALL);
  }
  void Revoke() {
    if (desktop_ != nullptr) {
      if (desktopSd_ != nullptr) SetSecurityInfo(desktop_, SE_WINDOW_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, desktopDacl_, nullptr);
      CloseDesktop(desktop_);
      desktop_ = nullptr;
    }
    if (station_ != nullptr) {
      if (stationSd_ != nullptr) SetSecurityInfo(station_, SE_WINDOW_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, stationDacl_, nullptr);
      CloseWindowStation(station_);
      station_ = nullptr;
    }
    if (desktopSd_ != nullptr) LocalFree(desktopSd_);
    if (stationSd_ != nullptr) LocalFree(stationSd_);
    desktopSd_ = stationSd_ = nullptr;
  }

 private:
  static bool Add(HANDLE object, PSECURITY_DESCRIPTOR* savedSd, PACL* savedDacl, PSID sid, DWORD rights) {
    if (GetSecurityInfo(object, SE_WINDOW_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, savedDacl, nullptr, savedSd) !=
        ERROR_SUCCESS) {
      return false;
    }
    EXPLICIT_ACCESSW access{};
    access.grfAccessPermissions = rights;
    access.grfAccessMode = GRANT_ACCESS;
    access.grfInheritance = NO_INHERITANCE;
    access.Trustee.TrusteeForm = TRUSTEE_IS_SID;
    access.Trustee.TrusteeType = TRUSTEE_IS_GROUP;
    access.Trustee.ptstrName = static_cast<LPWSTR>(sid);
    PACL updated = nullptr;
    if (SetEntriesInAclW(1, &access, *savedDacl, &updated) != ERROR_SUCCESS) return false;
    const DWORD rc = SetSecurityInfo(object, SE_WINDOW_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, updated, nullptr);
    LocalFree(updated);
    return rc == ERROR_SUCCESS;
  }
  HWINSTA station_ = nullptr;
  HDESK desktop_ = nullptr;
  PSECURITY_DESCRIPTOR stationSd_ = nullptr, desktopSd_ = nullptr;
  PACL stationDacl_ = nullptr, desktopDacl_ = nullptr;
};

class Run final : public KioskRun {
 public:
  Run(Done done, EventSink* events) : done_(std::move(done)), events_(events) {}
  ~Run() override {
    if (stop_.h != nullptr) SetEvent(stop_.h);
    if (thread_.joinable()) thread_.join();
    if (job_.h != nullptr) TerminateJobObject(job_.h, 70);
    grant_.Revoke();
  }
  DWORD ProcessId() const override { return pid_; }
  bool Finished() const override { return finished_.load(); }

  std::string Launch(const LaunchConfig& config, const LaunchDeps& deps) {
    HANDLE rawToken = nullptr;
    std::wstring accountSid;
    std::string code;
    if (!deps.tokens->GetKioskToken(config.account, &rawToken, &accountSid, &code)) {
      return code.empty() ? "kiosk_account_token" : code;
    }
    Handle token(rawToken);
    TokenFacts kioskFacts, selfFacts;
    if (!ReadTokenFacts(token.h, &kioskFacts)) return "kiosk_token_unreadable";
    if (!deps.self->Facts(&selfFacts)) return "provider_token_unreadable";
    const TokenVerdict verdict = CheckKioskToken(kioskFacts, selfFacts, accountSid);
    if (verdict != TokenVerdict::Ok) return TokenVerdictCode(verdict);
    std::vector<BYTE> logonSid;
    if (!LogonSid(token.h, &logonSid)) return "kiosk_logon_sid";

    unsigned char pipeRandom[16];
    std::vector<unsigned char> nonceRandom(32);
    if (!Random(pipeRandom, sizeof pipeRandom) || !Random(nonceRandom.data(), 32)) return "random";
    const std::wstring pipeName = PipeNameFromRandom(pipeRandom);
    nonce_ = Base64Url(nonceRandom);

    // The pipe: one instance, local clients only, SYSTEM and the kiosk's logon SID only.
    BYTE systemSid[SECURITY_MAX_SID_SIZE];
    DWORD systemSidSize = sizeof systemSid;
    if (!CreateWellKnownSid(WinLocalSystemSid, nullptr, systemSid, &systemSidSize)) return "pipe_acl";
    std::vector<BYTE> acl(sizeof(ACL) + 2 * (sizeof(ACCESS_ALLOWED_ACE) + SECURITY_MAX_SID_SIZE));
    auto* dacl = reinterpret_cast<PACL>(acl.data());
    SECURITY_DESCRIPTOR sd;
    if (!InitializeAcl(dacl, static_cast<DWORD>(acl.size()), ACL_REVISION) ||
        !AddAccessAllowedAce(dacl, ACL_REVISION, FILE_ALL_ACCESS, systemSid) ||
        // Read/write, but not FILE_CREATE_PIPE_INSTANCE: the kiosk can never add an instance of its own.
        !AddAccessAllowedAce(dacl, ACL_REVISION, (FILE_GENERIC_READ | FILE_GENERIC_WRITE) & ~FILE_CREATE_PIPE_INSTANCE,
                             logonSid.data()) ||
        !InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION) || !SetSecurityDescriptorDacl(&sd, TRUE, dacl, FALSE)) {
      return "pipe_acl";
    }
    SECURITY_ATTRIBUTES sa{sizeof sa, &sd, FALSE};
    pipe_.Reset(CreateNamedPipeW(pipeName.c_str(), PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE | FILE_FLAG_OVERLAPPED,
                                 PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1, kPipeBuffer,
                                 kPipeBuffer, 0, &sa));
    if (pipe_.h == nullptr) return "pipe_create";

    if (!grant_.Grant(config.desktop, logonSid.data())) return "desktop_access";

    job_.Reset(CreateJobObjectW(nullptr, nullptr));
    if (job_.h == nullptr) return "job_create";
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
    // No JOB_OBJECT_LIMIT_BREAKAWAY_OK: Electron's helpers start inside the job and die with it.
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
    JOBOBJECT_BASIC_UI_RESTRICTIONS ui{};
    // HANDLES: the kiosk shares the Winlogon desktop with LogonUI, so it may not use USER handles (windows,
    // hooks) owned by processes outside its job.
    ui.UIRestrictionsClass = JOB_OBJECT_UILIMIT_HANDLES | JOB_OBJECT_UILIMIT_DESKTOP | JOB_OBJECT_UILIMIT_DISPLAYSETTINGS | JOB_OBJECT_UILIMIT_EXITWINDOWS |
                             JOB_OBJECT_UILIMIT_SYSTEMPARAMETERS | JOB_OBJECT_UILIMIT_READCLIPBOARD |
                             JOB_OBJECT_UILIMIT_WRITECLIPBOARD | JOB_OBJECT_UILIMIT_GLOBALATOMS;
    if (!SetInformationJobObject(job_.h, JobObjectExtendedLimitInformation, &limits, sizeof limits) ||
        !SetInformationJobObject(job_.h, JobObjectBasicUIRestrictions, &ui, sizeof ui)) {
      return "job_limits";
    }

    void* environment = nullptr;
    if (!CreateEnvironmentBlock(&environment, token.h, FALSE)) return "kiosk_environment";
    std::wstring commandLine = BuildKioskCommandLine(config.kioskPath, pipeName, nonce_);
    PROCESS_INFORMATION info{};
    const bool started = deps.starter->Start(token.h, config.kioskPath, commandLine, config.desktop, environment, &info);
    DestroyEnvironmentBlock(environment);
    if (!started) return "kiosk_start";
    process_.Reset(info.hProcess);
    Handle thread(info.hThread);
    pid_ = info.dwProcessId;
    if (!AssignProcessToJobObject(job_.h, process_.h)) {
      TerminateProcess(process_.h, 70);
      return "job_assign";
    }
    if (ResumeThread(thread.h) == static_cast<DWORD>(-1)) {
      TerminateJobObject(job_.h, 70);
      return "kiosk_resume";
    }
    stop_.Reset(CreateEventW(nullptr, TRUE, FALSE, nullptr));
    ioEvent_.Reset(CreateEventW(nullptr, TRUE, FALSE, nullptr));
    if (stop_.h == nullptr || ioEvent_.h == nullptr) {
      TerminateJobObject(job_.h, 70);
      return "event_create";
    }
    deadline_ = GetTickCount64() + config.timeoutMs;
    policyJson_ = config.policyJson;
    thread_ = std::thread([this] { Work(); });
    return "";
  }

 private:
  enum class Wait { Done, Stopped, TimedOut, Failed };

  DWORD Remaining(ULONGLONG until) const {
    const ULONGLONG now = GetTickCount64();
    return now >= until ? 0 : static_cast<DWORD>(until - now);
  }

  /** Waits for an overlapped operation, the stop event or the deadline. */
  Wait Await(OVERLAPPED& ov, BOOL issued, DWORD* transferred, ULONGLONG until) {
    if (!issued) {
      const DWORD error = GetLastError();
      if (error == ERROR_PIPE_CONNECTED) return Wait::Done;
      if (error != ERROR_IO_PENDING) return Wait::Failed;
    }
    // The kiosk's exit also ends the wait: a kiosk that never connects must not hold the tile until the deadline.
    HANDLE handles[3] = {ov.hEvent, stop_.h, process_.h};
    const DWORD rc = WaitForMultipleObjects(3, handles, FALSE, Remaining(until));
    if (rc != WAIT_OBJECT_0) {
      CancelIoEx(pipe_.h, &ov);
      DWORD ignored = 0;
      const BOOL completed = GetOverlappedResult(pipe_.h, &ov, &ignored, TRUE);
      if (rc == WAIT_OBJECT_0 + 2 && completed) {
        *transferred = ignored;  // the last bytes arrived just before the kiosk exited
        return Wait::Done;
      }
      return rc == WAIT_OBJECT_0 + 1 ? Wait::Stopped : rc == WAIT_TIMEOUT ? Wait::TimedOut : Wait::Failed;
    }
    return GetOverlappedResult(pipe_.h, &ov, transferred, FALSE) ? Wait::Done : Wait::Failed;
  }

  Wait Io(bool write, char* data, DWORD size, ULONGLONG until) {
    DWORD done = 0;
    while (done < size) {
      OVERLAPPED ov{};
      ov.hEvent = ioEvent_.h;
      ResetEvent(ov.hEvent);
      DWORD n = 0;
      const BOOL issued = write ? WriteFile(pipe_.h, data + done, size - done, nullptr, &ov)
                                : ReadFile(pipe_.h, data + done, size - done, nullptr, &ov);
      const Wait w = Await(ov, issued, &n, until);
      if (w != Wait::Done) return w;
      if (n == 0) return Wait::Failed;
      done += n;
    }
    return Wait::Done;
  }

  Wait Connect(ULONGLONG until) {
    OVERLAPPED ov{};
    ov.hEvent = ioEvent_.h;
    ResetEvent(ov.hEvent);
    DWORD n = 0;
    return Await(ov, ConnectNamedPipe(pipe_.h, &ov), &n, until);
  }

  /** Accepts connections until the kiosk itself connects; a probe from inside the job is let go. */
  Wait AcceptKiosk() {
    for (int probes = 0; probes <= kMaxProbes; ++probes) {
      const Wait w = Connect(deadline_);
      if (w != Wait::Done) return w;
      ULONG client = 0;
      if (!GetNamedPipeClientProcessId(pipe_.h, &client)) return Wait::Failed;
      if (client == pid_) return Wait::Done;
      Handle process(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, client));
      BOOL inJob = FALSE;
      if (process.h == nullptr || !IsProcessInJob(process.h, job_.h, &inJob) || !inJob) {
        events_->Report(EVENTLOG_WARNING_TYPE, L"MyPass: a process outside the kiosk's job connected to its pipe; disconnected.");
      } else {
        // mypass-pipe-check.exe: it reads nothing and disconnects (PROTOCOL.md); wait for that.
        char byte = 0;
        Io(false, &byte, 1, GetTickCount64() + kProbeWaitMs);
      }
      DisconnectNamedPipe(pipe_.h);
    }
    return Wait::Failed;
  }

  void Work() {
    RunReport report;
    KioskResult result;
    const Wait accepted = AcceptKiosk();
    if (accepted == Wait::Done) {
      std::string frame = EncodeFrame(BuildPolicyMessage(nonce_, policyJson_));
      if (Io(true, &frame[0], static_cast<DWORD>(frame.size()), deadline_) == Wait::Done) ReadResult(report, result);
      WipeString(frame);
      // One result per run: whatever came (or did not), the conversation is over; a kiosk still
      // writing or flushing is released rather than left blocked on a full pipe.
      DisconnectNamedPipe(pipe_.h);
    }
    // Wait (bounded) for the kiosk to exit, then close the job whatever it did.
    HANDLE handles[2] = {process_.h, stop_.h};
    DWORD rc = WaitForMultipleObjects(2, handles, FALSE, std::min(Remaining(deadline_), kExitGraceMs));
    if (rc == WAIT_TIMEOUT && GetTickCount64() < deadline_) rc = WaitForMultipleObjects(2, handles, FALSE, Remaining(deadline_));
    const bool exited = WaitForSingleObject(process_.h, 0) == WAIT_OBJECT_0;
    if (!exited) {
      TerminateJobObject(job_.h, 2);
      WaitForSingleObject(process_.h, 5000);
      if (report.ended != RunReport::Ended::Result) report.ended = RunReport::Ended::KilledAfterTimeout;
    } else {
      DWORD code = 0;
      if (GetExitCodeProcess(process_.h, &code)) report.exitCode = code;
    }
    TerminateJobObject(job_.h, 70);  // Electron helpers that outlived the main process
    grant_.Revoke();
    pipe_.Reset();
    finished_ = true;
    if (WaitForSingleObject(stop_.h, 0) != WAIT_OBJECT_0) done_(report, std::move(result));
    result.newPassword.Clear();
  }

  void ReadResult(RunReport& report, KioskResult& result) {
    unsigned char header[4];
    if (Io(false, reinterpret_cast<char*>(header), 4, deadline_) != Wait::Done) return;
    const auto length = FrameLengthFromHeader(header);
    if (!length) {
      events_->Report(EVENTLOG_WARNING_TYPE, L"MyPass: the kiosk sent a frame of invalid length (frame_too_large).");
      return;
    }
    std::string body(*length, '\0');
    if (Io(false, &body[0], *length, deadline_) != Wait::Done) {
      WipeString(body);
      return;
    }
    const PipeError error = ParseResultMessage(body, nonce_, result);
    if (error != PipeError::None) {
      const std::string code = PipeErrorCode(error);
      events_->Report(EVENTLOG_WARNING_TYPE, L"MyPass: the kiosk's result was ignored (" + std::wstring(code.begin(), code.end()) + L").");
      return;
    }
    report.ended = RunReport::Ended::Result;
    report.outcome = result.outcome;
    report.purpose = result.purpose;
    report.hasPassword = !result.newPassword.Empty();
  }

  Done done_;
  EventSink* events_;
  Handle pipe_, job_, process_, stop_, ioEvent_;
  DesktopGrant grant_;
  DWORD pid_ = 0;
  std::string nonce_;
  std::string policyJson_;
  ULONGLONG deadline_ = 0;
  std::thread thread_;
  std::atomic<bool> finished_{false};
};

}  // namespace

std::wstring SidToString(PSID sid) {
  LPWSTR text = nullptr;
  if (!ConvertSidToStringSidW(sid, &text)) return L"";
  std::wstring out = text;
  LocalFree(text);
  return out;
}

bool ReadTokenFacts(HANDLE token, TokenFacts* facts) {
  std::vector<BYTE> user = TokenInfo(token, TokenUser);
  TOKEN_STATISTICS stats{};
  DWORD size = 0;
  if (user.empty() || !GetTokenInformation(token, TokenStatistics, &stats, sizeof stats, &size)) return false;
  facts->userSid = SidToString(reinterpret_cast<TOKEN_USER*>(user.data())->User.Sid);
  BYTE admins[SECURITY_MAX_SID_SIZE];
  DWORD adminsSize = sizeof admins;
  std::vector<BYTE> groups = TokenInfo(token, TokenGroups);
  if (groups.empty() || !CreateWellKnownSid(WinBuiltinAdministratorsSid, nullptr, admins, &adminsSize)) return false;
  const auto* g = reinterpret_cast<const TOKEN_GROUPS*>(groups.data());
  facts->administrators = false;
  facts->groupSids.clear();
  for (DWORD i = 0; i < g->GroupCount; ++i) {
    if ((g->Groups[i].Attributes & SE_GROUP_USE_FOR_DENY_ONLY) != 0) continue;
    if (EqualSid(g->Groups[i].Sid, admins)) facts->administrators = true;
    facts->groupSids.push_back(SidToString(g->Groups[i].Sid));
  }
  std::vector<BYTE> privileges = TokenInfo(token, TokenPrivileges);
  if (privileges.empty()) return false;
  const auto* p = reinterpret_cast<const TOKEN_PRIVILEGES*>(privileges.data());
  facts->privileges.clear();
  for (DWORD i = 0; i < p->PrivilegeCount; ++i) {
    if ((p->Privileges[i].Attributes & SE_PRIVILEGE_REMOVED) != 0) continue;
    LUID luid = p->Privileges[i].Luid;
    wchar_t name[64];
    DWORD nameLength = 64;
    // An unnamed privilege is kept as its LUID so it can never pass for a harmless one by accident.
    facts->privileges.push_back(LookupPrivilegeNameW(nullptr, &luid, name, &nameLength) ? std::wstring(name, nameLength)
                                                                                       : L"#" + std::to_wstring(luid.LowPart));
  }
  facts->logonSession = (static_cast<uint64_t>(static_cast<uint32_t>(stats.AuthenticationId.HighPart)) << 32) |
                        stats.AuthenticationId.LowPart;
  return !facts->userSid.empty();
}

std::unique_ptr<KioskRun> KioskRun::Start(const LaunchConfig& config, const LaunchDeps& deps, Done done,
                                          std::string* errorCode) {
  auto run = std::make_unique<Run>(std::move(done), deps.events);
  *errorCode = run->Launch(config, deps);
  if (!errorCode->empty()) return nullptr;
  return run;
}

}  // namespace mypass
