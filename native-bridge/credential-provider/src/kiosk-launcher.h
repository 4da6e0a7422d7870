// Starting one kiosk run: the kiosk account's token (never LogonUI's), the pipe, the desktop grant,
// the job, the process, and a worker thread that talks over the pipe and reports how the run ended.
// The token source, process starter and "who am I" are interfaces so the harness can prove under wine
// that CreateProcessAsUserW receives exactly the token source's token and that failures fail closed.
#pragma once
#include <windows.h>

#include <functional>
#include <memory>
#include <string>

#include "pipe-protocol.h"
#include "tile-fields.h"
#include "token-guard.h"

namespace mypass {

/** Gives the kiosk account's primary token; production: S4U logon of the dedicated local account. */
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  /** On success *token is a new primary token the caller closes and *accountSid the account's SID. */
  virtual bool GetKioskToken(const std::wstring& account, HANDLE* token, std::wstring* accountSid,
                             std::string* errorCode) = 0;
};

/** Starts the (suspended) kiosk process with the given token. Production: CreateProcessAsUserW. */
class ProcessStarter {
 public:
  virtual ~ProcessStarter() = default;
  virtual bool Start(HANDLE token, const std::wstring& exePath, std::wstring& commandLine, const std::wstring& desktop,
                     void* environment, PROCESS_INFORMATION* info) = 0;
};

/** The provider's own token facts (LogonUI: SYSTEM). */
class SelfIdentity {
 public:
  virtual ~SelfIdentity() = default;
  virtual bool Facts(TokenFacts* facts) = 0;
};

/** Windows Application log; messages never carry a password. */
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Report(WORD type, const std::wstring& message) = 0;
};

struct LaunchConfig {
  std::wstring kioskPath;
  std::wstring account;
  std::wstring desktop = L"winsta0\\Winlogon";
  DWORD timeoutMs = 900 * 1000;
  std::string policyJson = "{}";
};

struct LaunchDeps {
  TokenSource* tokens;
  ProcessStarter* starter;
  SelfIdentity* self;
  EventSink* events;
};

/** One kiosk run. Destroying it stops the run: the job (and every kiosk process) is closed. */
class KioskRun {
 public:
  using Done = std::function<void(const RunReport& report, KioskResult&& result)>;
  /** Starts a run, or returns null and sets *errorCode (a stable code) when any step fails. */
  static std::unique_ptr<KioskRun> Start(const LaunchConfig& config, const LaunchDeps& deps, Done done,
                                         std::string* errorCode);
  virtual ~KioskRun() = default;
  virtual DWORD ProcessId() const = 0;
  virtual bool Finished() const = 0;
};

// Production implementations.
std::unique_ptr<TokenSource> MakeS4uTokenSource();
std::unique_ptr<ProcessStarter> MakeCreateProcessAsUserStarter();
std::unique_ptr<SelfIdentity> MakeProcessSelfIdentity();
std::unique_ptr<EventSink> MakeApplicationLogSink();

/** Token facts and logon SID of a token (exposed for the harness). */
bool ReadTokenFacts(HANDLE token, TokenFacts* facts);
std::wstring SidToString(PSID sid);

}  // namespace mypass
