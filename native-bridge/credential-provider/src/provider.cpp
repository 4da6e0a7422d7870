#include "provider.h"

#include <ntsecapi.h>
#include <shlobj.h>

#include <atomic>
#include <mutex>

#include "com-object.h"
#include "registry-policy-store.h"
#include "tile-fields.h"

namespace mypass {
namespace {

std::atomic<long> g_objects{0};
std::mutex g_kioskLock;
const void* g_kioskOwner = nullptr;  // the credential whose kiosk runs: one kiosk per process

// Status updates from the worker thread reach LogonUI's events interface on the thread that advised it
// (Microsoft: "proper inter-thread communication methods must be used"): a message-only window there.
constexpr UINT kStatusMessage = WM_APP + 1;
constexpr wchar_t kStatusWindowClass[] = L"MyPassCredentialStatus";

HRESULT CoString(const std::wstring& text, LPWSTR* out) {
  if (out == nullptr) return E_POINTER;
  const size_t bytes = (text.size() + 1) * sizeof(wchar_t);
  *out = static_cast<LPWSTR>(CoTaskMemAlloc(bytes));
  if (*out == nullptr) return E_OUTOFMEMORY;
  memcpy(*out, text.c_str(), bytes);
  return S_OK;
}

HBITMAP BuiltInImage() {
  BITMAPINFO info{};
  info.bmiHeader.biSize = sizeof(BITMAPINFOHEADER);
  info.bmiHeader.biWidth = 128;
  info.bmiHeader.biHeight = -128;
  info.bmiHeader.biPlanes = 1;
  info.bmiHeader.biBitCount = 32;
  info.bmiHeader.biCompression = BI_RGB;
  void* bits = nullptr;
  HBITMAP bitmap = CreateDIBSection(nullptr, &info, DIB_RGB_COLORS, &bits, nullptr, 0);
  if (bitmap == nullptr || bits == nullptr) return bitmap;
  auto* pixels = static_cast<DWORD*>(bits);
  for (int y = 0; y < 128; ++y) {
    for (int x = 0; x < 128; ++x) {
      // A key shape on MyPass blue: a ring and a shaft, enough to tell the tile apart.
      const int dx = x - 44, dy = y - 64;
      const int r2 = dx * dx + dy * dy;
      const bool ring = r2 < 22 * 22 && r2 > 12 * 12;
      const bool shaft = x > 62 && x < 108 && y > 60 && y < 68;
      const bool tooth = (x > 90 && x < 96 && y >= 68 && y < 80) || (x > 100 && x < 106 && y >= 68 && y < 76);
      pixels[y * 128 + x] = (ring || shaft || tooth) ? 0xFFFFFFFF : 0xFF0F5FA8;
    }
  }
  return bitmap;
}

class Provider;

class Credential final : public ComObject<Credential, ICredentialProviderCredential2> {
 public:
  Credential(std::shared_ptr<ProviderEnvironment> env, CREDENTIAL_PROVIDER_USAGE_SCENARIO scenario, Provider* provider)
      : env_(std::move(env)), scenario_(scenario), provider_(provider) {}

  static bool Implements(REFIID riid) {
    return IsEqualIID(riid, kIID_ICredentialProviderCredential) || IsEqualIID(riid, kIID_ICredentialProviderCredential2);
  }

  void Configure(const Policy& policy, CREDENTIAL_PROVIDER_USAGE_SCENARIO scenario) {
    std::lock_guard<std::mutex> lock(m_);
    scenario_ = scenario;  // logon or unlock: decides the serialization's message type
    const TileTexts& texts = BuiltInTexts(env_->UiLanguage());
    label_ = policy.tileLabel.empty() ? texts.label : policy.tileLabel;
    subText_ = policy.tileSubText.empty() ? texts.subText : policy.tileSubText;
    link_ = texts.link;
    imagePath_ = policy.tileImagePath;
  }

  // ICredentialProviderCredential
  IFACEMETHODIMP Advise(ICredentialProviderCredentialEvents* events) override {
    HWND window = CreateStatusWindow();
    std::lock_guard<std::mutex> lock(m_);
    if (events_ != nullptr) events_->Release();
    events_ = events;
    if (events_ != nullptr) events_->AddRef();
    if (window_ != nullptr) DestroyWindow(window_);
    window_ = window;
    return S_OK;
  }
  IFACEMETHODIMP UnAdvise() override {
    HWND window = nullptr;
    {
      std::lock_guard<std::mutex> lock(m_);
      if (events_ != nullptr) events_->Release();
      events_ = nullptr;
      window = window_;
      window_ = nullptr;
    }
    if (window != nullptr) DestroyWindow(window);
    return S_OK;
  }
  IFACEMETHODIMP SetSelected(BOOL* autoLogon) override {
    if (autoLogon == nullptr) return E_POINTER;
    {
      std::lock_guard<std::mutex> lock(m_);
      *autoLogon = signInReady_ ? TRUE : FALSE;
      if (signInReady_) return S_OK;
    }
    StartKiosk();
    return S_OK;
  }
  IFACEMETHODIMP SetDeselected() override { return S_OK; }
  IFACEMETHODIMP GetFieldState(DWORD field, CREDENTIAL_PROVIDER_FIELD_STATE* state,
                               CREDENTIAL_PROVIDER_FIELD_INTERACTIVE_STATE* interactive) override {
    if (field >= kFieldCount) return E_INVALIDARG;
    if (state == nullptr || interactive == nullptr) return E_POINTER;
    *state = static_cast<CREDENTIAL_PROVIDER_FIELD_STATE>(FieldSpecAt(field).state);
    *interactive = CPFIS_NONE;
    return S_OK;
  }
  IFACEMETHODIMP GetStringValue(DWORD field, LPWSTR* out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    std::lock_guard<std::mutex> lock(m_);
    switch (field) {
      case kFieldLabel: return CoString(label_, out);
      case kFieldSubText: return CoString(subText_, out);
      case kFieldStatus: return CoString(status_, out);
      case kFieldLink: return CoString(link_, out);
      default: return E_INVALIDARG;
    }
  }
  IFACEMETHODIMP GetBitmapValue(DWORD field, HBITMAP* bitmap) override {
    if (bitmap == nullptr) return E_POINTER;
    *bitmap = nullptr;
    if (field != kFieldImage) return E_INVALIDARG;
    std::wstring path;
    {
      std::lock_guard<std::mutex> lock(m_);
      path = imagePath_;
    }
    if (!path.empty()) {
      *bitmap = static_cast<HBITMAP>(LoadImageW(nullptr, path.c_str(), IMAGE_BITMAP, 0, 0, LR_LOADFROMFILE | LR_CREATEDIBSECTION));
    }
    if (*bitmap == nullptr) *bitmap = BuiltInImage();
    return *bitmap != nullptr ? S_OK : E_OUTOFMEMORY;
  }
  IFACEMETHODIMP GetCheckboxValue(DWORD, BOOL*, LPWSTR*) override { return E_NOTIMPL; }
  IFACEMETHODIMP GetSubmitButtonValue(DWORD, DWORD*) override { return E_NOTIMPL; }
  IFACEMETHODIMP GetComboBoxValueCount(DWORD, DWORD*, DWORD*) override { return E_NOTIMPL; }
  IFACEMETHODIMP GetComboBoxValueAt(DWORD, DWORD, LPWSTR*) override { return E_NOTIMPL; }
  IFACEMETHODIMP SetStringValue(DWORD, LPCWSTR) override { return E_NOTIMPL; }
  IFACEMETHODIMP SetCheckboxValue(DWORD, BOOL) override { return E_NOTIMPL; }
  IFACEMETHODIMP SetComboBoxSelectedValue(DWORD, DWORD) override { return E_NOTIMPL; }
  IFACEMETHODIMP CommandLinkClicked(DWORD field) override {
    if (field != kFieldLink) return E_INVALIDARG;
    StartKiosk();
    return S_OK;
  }
  IFACEMETHODIMP GetSerialization(CREDENTIAL_PROVIDER_GET_SERIALIZATION_RESPONSE* response,
                                  CREDENTIAL_PROVIDER_CREDENTIAL_SERIALIZATION* serialization, LPWSTR* statusText,
                                  CREDENTIAL_PROVIDER_STATUS_ICON* statusIcon) override {
    if (response == nullptr || serialization == nullptr) return E_POINTER;
    if (statusText != nullptr) *statusText = nullptr;
    if (statusIcon != nullptr) *statusIcon = CPSI_NONE;
    *response = CPGSR_NO_CREDENTIAL_NOT_FINISHED;
    std::lock_guard<std::mutex> lock(m_);
    if (!signInReady_) return S_OK;
    signInReady_ = false;
    const HRESULT hr = Pack(serialization);
    password_.Clear();  // wiped whether or not packing worked
    if (FAILED(hr)) return hr;
    *response = CPGSR_RETURN_CREDENTIAL_FINISHED;
    return S_OK;
  }
  IFACEMETHODIMP ReportResult(NTSTATUS, NTSTATUS, LPWSTR* statusText, CREDENTIAL_PROVIDER_STATUS_ICON* statusIcon) override {
    if (statusText != nullptr) *statusText = nullptr;
    if (statusIcon != nullptr) *statusIcon = CPSI_NONE;
    std::lock_guard<std::mutex> lock(m_);
    signInReady_ = false;
    password_.Clear();
    return S_OK;
  }
  // ICredentialProviderCredential2: not tied to a listed user ("other user" style tile).
  IFACEMETHODIMP GetUserSid(LPWSTR* sid) override {
    if (sid == nullptr) return E_POINTER;
    *sid = nullptr;
    return S_FALSE;
  }

  bool SignInReady() {
    std::lock_guard<std::mutex> lock(m_);
    return signInReady_;
  }

  void StopKiosk() {
    std::unique_ptr<KioskRun> run;
    {
      std::lock_guard<std::mutex> lock(m_);
      run.swap(run_);
    }
    run.reset();  // joins the worker and closes the job
    std::lock_guard<std::mutex> global(g_kioskLock);
    if (g_kioskOwner == this) g_kioskOwner = nullptr;
  }

  void DetachProvider() {
    std::lock_guard<std::mutex> lock(m_);
    provider_ = nullptr;
  }

 private:
  friend class ComObject<Credential, ICredentialProviderCredential2>;
  ~Credential() {
    StopKiosk();
    password_.Clear();
    if (window_ != nullptr) DestroyWindow(window_);
    if (events_ != nullptr) events_->Release();
  }

  /** On LogonUI's thread (a selection or a link click): tells LogonUI at once. */
  void SetStatus(const std::wstring& text) {
    {
      std::lock_guard<std::mutex> lock(m_);
      status_ = text;
    }
    PushStatus();
  }

  /** From the worker thread: stores the text and asks the advising thread to push it. */
  void PostStatus(const std::wstring& text) {
    std::lock_guard<std::mutex> lock(m_);
    status_ = text;
    if (window_ != nullptr) PostMessageW(window_, kStatusMessage, 0, 0);
  }

  void PushStatus() {
    ICredentialProviderCredentialEvents* events = nullptr;
    std::wstring text;
    {
      std::lock_guard<std::mutex> lock(m_);
      text = status_;
      events = events_;
      if (events != nullptr) events->AddRef();
    }
    if (events != nullptr) {
      events->SetFieldString(this, kFieldStatus, text.c_str());
      events->Release();
    }
  }

  HWND CreateStatusWindow() {
    static const ATOM registered = [] {
      WNDCLASSEXW wc{};
      wc.cbSize = sizeof wc;
      wc.lpfnWndProc = StatusWindowProc;
      wc.hInstance = ModuleInstance();
      wc.lpszClassName = kStatusWindowClass;
      return RegisterClassExW(&wc);
    }();
    if (registered == 0) return nullptr;
    HWND window = CreateWindowExW(0, kStatusWindowClass, L"", 0, 0, 0, 0, 0, HWND_MESSAGE, nullptr, ModuleInstance(), nullptr);
    if (window != nullptr) SetWindowLongPtrW(window, GWLP_USERDATA, reinterpret_cast<LONG_PTR>(this));
    return window;
  }

  static HINSTANCE ModuleInstance() {
    HMODULE module = nullptr;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       reinterpret_cast<LPCWSTR>(&StatusWindowProc), &module);
    return module;
  }

  static LRESULT CALLBACK StatusWindowProc(HWND window, UINT message, WPARAM wParam, LPARAM lParam) {
    if (message == kStatusMessage) {
      auto* self = reinterpret_cast<Credential*>(GetWindowLongPtrW(window, GWLP_USERDATA));
      if (self != nullptr) self->PushStatus();
      return 0;
    }
    return DefWindowProcW(window, message, wParam, lParam);
  }

  void StartKiosk();
  void OnRunEnded(const RunReport& report, KioskResult&& result, bool signInAfterReset);

  HRESULT Pack(CREDENTIAL_PROVIDER_CREDENTIAL_SERIALIZATION* out) {
    std::wstring domain, user = user_;
    const size_t slash = user.find(L'\\');
    if (slash != std::wstring::npos) {
      domain = user.substr(0, slash);
      user = user.substr(slash + 1);
    }
    const std::wstring& password = password_.Value();
    const size_t cbDomain = domain.size() * sizeof(wchar_t), cbUser = user.size() * sizeof(wchar_t),
                 cbPassword = password.size() * sizeof(wchar_t);
    const size_t total = sizeof(KERB_INTERACTIVE_UNLOCK_LOGON) + cbDomain + cbUser + cbPassword;
    auto* buffer = static_cast<BYTE*>(CoTaskMemAlloc(total));
    if (buffer == nullptr) return E_OUTOFMEMORY;
    ZeroMemory(buffer, total);
    auto* kiul = reinterpret_cast<KERB_INTERACTIVE_UNLOCK_LOGON*>(buffer);
    kiul->Logon.MessageType = scenario_ == CPUS_UNLOCK_WORKSTATION ? KerbWorkstationUnlockLogon : KerbInteractiveLogon;
    size_t offset = sizeof(KERB_INTERACTIVE_UNLOCK_LOGON);
    // Serialized form: string buffers are offsets from the start of the blob (Microsoft's sample).
    auto put = [&](UNICODE_STRING& target, const std::wstring& text, size_t bytes) {
      memcpy(buffer + offset, text.data(), bytes);
      target.Length = target.MaximumLength = static_cast<USHORT>(bytes);
      target.Buffer = reinterpret_cast<PWSTR>(offset);
      offset += bytes;
    };
    put(kiul->Logon.LogonDomainName, domain, cbDomain);
    put(kiul->Logon.UserName, user, cbUser);
    put(kiul->Logon.Password, password, cbPassword);

    ULONG package = 0;
    if (!env_->AuthenticationPackage(&package)) {
      SecureZeroMemory(buffer, total);
      CoTaskMemFree(buffer);
      return E_FAIL;
    }
    out->ulAuthenticationPackage = package;
    // LogonUI remembers the provider named here as the last one used and selects its tile next time;
    // selecting MyPass's tile starts the kiosk, and Windows does not say whether a selection came from
    // the user. A password logon is what this is, so the built-in password provider is remembered.
    out->clsidCredentialProvider = kCLSID_PasswordProvider;
    out->cbSerialization = static_cast<ULONG>(total);
    out->rgbSerialization = buffer;
    return S_OK;
  }

  std::shared_ptr<ProviderEnvironment> env_;
  CREDENTIAL_PROVIDER_USAGE_SCENARIO scenario_;
  std::mutex m_;
  Provider* provider_;
  ICredentialProviderCredentialEvents* events_ = nullptr;
  HWND window_ = nullptr;  // message-only, on the thread that called Advise
  std::wstring label_, subText_, link_, imagePath_, status_;
  bool signInReady_ = false;
  std::wstring user_;
  SecretWide password_;
  std::unique_ptr<KioskRun> run_;
};

class Provider final : public ComObject<Provider, ICredentialProvider> {
 public:
  explicit Provider(std::shared_ptr<ProviderEnvironment> env) : env_(std::move(env)) {}

  static bool Implements(REFIID riid) { return IsEqualIID(riid, kIID_ICredentialProvider); }

  IFACEMETHODIMP SetUsageScenario(CREDENTIAL_PROVIDER_USAGE_SCENARIO scenario, DWORD) override {
    switch (scenario) {
      case CPUS_LOGON:
      case CPUS_UNLOCK_WORKSTATION:
        break;
      case CPUS_CHANGE_PASSWORD:
      case CPUS_CREDUI:
      case CPUS_PLAP:
        return E_NOTIMPL;
      default:
        return E_INVALIDARG;
    }
    const Policy policy = env_->ReadPolicy();
    std::lock_guard<std::mutex> lock(m_);
    enabled_ = policy.enabled;
    if (credential_ == nullptr) credential_ = new Credential(env_, scenario, this);
    credential_->Configure(policy, scenario);
    return S_OK;
  }
  IFACEMETHODIMP SetSerialization(const CREDENTIAL_PROVIDER_CREDENTIAL_SERIALIZATION*) override { return E_NOTIMPL; }
  IFACEMETHODIMP Advise(ICredentialProviderEvents* events, UINT_PTR context) override {
    std::lock_guard<std::mutex> lock(m_);
    if (events_ != nullptr) events_->Release();
    events_ = events;
    if (events_ != nullptr) events_->AddRef();
    context_ = context;
    return S_OK;
  }
  IFACEMETHODIMP UnAdvise() override {
    Credential* credential = nullptr;
    {
      std::lock_guard<std::mutex> lock(m_);
      if (events_ != nullptr) events_->Release();
      events_ = nullptr;
      credential = credential_;
      if (credential != nullptr) credential->AddRef();
    }
    if (credential != nullptr) {
      credential->StopKiosk();  // the tile is torn down: the kiosk goes with it
      credential->Release();
    }
    return S_OK;
  }
  IFACEMETHODIMP GetFieldDescriptorCount(DWORD* count) override {
    if (count == nullptr) return E_POINTER;
    *count = kFieldCount;
    return S_OK;
  }
  IFACEMETHODIMP GetFieldDescriptorAt(DWORD index, CREDENTIAL_PROVIDER_FIELD_DESCRIPTOR** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    if (index >= kFieldCount) return E_INVALIDARG;
    const FieldSpec& spec = FieldSpecAt(index);
    auto* d = static_cast<CREDENTIAL_PROVIDER_FIELD_DESCRIPTOR*>(CoTaskMemAlloc(sizeof(CREDENTIAL_PROVIDER_FIELD_DESCRIPTOR)));
    if (d == nullptr) return E_OUTOFMEMORY;
    d->dwFieldID = spec.id;
    d->cpft = static_cast<CREDENTIAL_PROVIDER_FIELD_TYPE>(spec.type);
    d->guidFieldType = spec.guid == FieldGuid::ProviderLogo    ? kCPFG_CREDENTIAL_PROVIDER_LOGO
                       : spec.guid == FieldGuid::ProviderLabel ? kCPFG_CREDENTIAL_PROVIDER_LABEL
                                                               : GUID_NULL;
    const HRESULT hr = CoString(spec.descriptorLabel, &d->pszLabel);
    if (FAILED(hr)) {
      CoTaskMemFree(d);
      return hr;
    }
    *out = d;
    return S_OK;
  }
  IFACEMETHODIMP GetCredentialCount(DWORD* count, DWORD* defaultIndex, BOOL* autoLogon) override {
    if (count == nullptr || defaultIndex == nullptr || autoLogon == nullptr) return E_POINTER;
    std::lock_guard<std::mutex> lock(m_);
    *count = enabled_ && credential_ != nullptr ? 1 : 0;
    // Never a default or auto-logon tile, except right after a reset with "sign in after reset" on.
    const bool ready = *count == 1 && credential_->SignInReady();
    *defaultIndex = ready ? 0 : CREDENTIAL_PROVIDER_NO_DEFAULT;
    *autoLogon = ready ? TRUE : FALSE;
    return S_OK;
  }
  IFACEMETHODIMP GetCredentialAt(DWORD index, ICredentialProviderCredential** out) override {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    std::lock_guard<std::mutex> lock(m_);
    if (index != 0 || !enabled_ || credential_ == nullptr) return E_INVALIDARG;
    return credential_->QueryInterface(kIID_ICredentialProviderCredential, reinterpret_cast<void**>(out));
  }

  void NotifyCredentialsChanged() {
    ICredentialProviderEvents* events = nullptr;
    UINT_PTR context = 0;
    {
      std::lock_guard<std::mutex> lock(m_);
      events = events_;
      context = context_;
      if (events != nullptr) events->AddRef();
    }
    if (events != nullptr) {
      events->CredentialsChanged(context);
      events->Release();
    }
  }

 private:
  friend class ComObject<Provider, ICredentialProvider>;
  ~Provider() {
    if (credential_ != nullptr) {
      credential_->StopKiosk();
      credential_->DetachProvider();
      credential_->Release();
    }
    if (events_ != nullptr) events_->Release();
  }

  std::shared_ptr<ProviderEnvironment> env_;
  std::mutex m_;
  bool enabled_ = false;
  Credential* credential_ = nullptr;
  ICredentialProviderEvents* events_ = nullptr;
  UINT_PTR context_ = 0;
};

void Credential::StartKiosk() {
  {
    std::lock_guard<std::mutex> lock(m_);
    if (run_ != nullptr && !run_->Finished()) return;  // a second selection while a kiosk runs starts nothing
  }
  StopKiosk();  // a finished run's thread is joined here, never from inside its own callback
  std::lock_guard<std::mutex> global(g_kioskLock);
  if (g_kioskOwner != nullptr) {
    SetStatus(BuiltInStatusTexts(env_->UiLanguage()).alreadyOpen);
    return;
  }
  const Policy policy = env_->ReadPolicy();
  LaunchDeps deps = env_->Deps();
  LogPolicyNotesOnce(policy, *deps.events);
  LaunchConfig config;
  config.kioskPath = policy.kioskPath.empty() ? env_->DefaultKioskPath() : policy.kioskPath;
  config.account = policy.kioskAccount;
  config.desktop = env_->Desktop();
  // The kiosk ends itself at its time limit (result "timeout", exit 2); the job is closed a little later
  // so that the kiosk's own ending wins the race and a hung kiosk still cannot outlive the limit for long.
  constexpr DWORD kKillGraceMs = 30 * 1000;
  config.timeoutMs = env_->TimeoutOverrideMs() != 0 ? env_->TimeoutOverrideMs() : policy.kioskTimeoutSeconds * 1000 + kKillGraceMs;
  config.policyJson = policy.kioskPolicyJson;
  const bool signInAfterReset = policy.signInAfterReset;
  {
    std::lock_guard<std::mutex> lock(m_);
    signInReady_ = false;
    password_.Clear();
  }
  std::string error;
  std::unique_ptr<KioskRun> run = KioskRun::Start(
      config, deps,
      [this, signInAfterReset](const RunReport& report, KioskResult&& result) {
        OnRunEnded(report, std::move(result), signInAfterReset);
      },
      &error);
  if (run == nullptr) {
    RunReport failed;
    failed.ended = RunReport::Ended::LaunchFailed;
    failed.launchError = error;
    deps.events->Report(EVENTLOG_ERROR_TYPE, L"MyPass could not start the kiosk: " + std::wstring(error.begin(), error.end()) + L".");
    SetStatus(DescribeRun(failed, false, env_->UiLanguage()).text);
    return;
  }
  g_kioskOwner = this;
  SetStatus(L"");
  std::lock_guard<std::mutex> lock(m_);
  run_ = std::move(run);
}

void Credential::OnRunEnded(const RunReport& report, KioskResult&& result, bool signInAfterReset) {
  const TileStatus status = DescribeRun(report, signInAfterReset, env_->UiLanguage());
  Provider* provider = nullptr;
  {
    std::lock_guard<std::mutex> lock(m_);
    if (status.signIn && result.userName) {
      user_ = *result.userName;
      password_ = std::move(result.newPassword);
      signInReady_ = true;
    }
    provider = provider_;
  }
  result.newPassword.Clear();
  {
    std::lock_guard<std::mutex> global(g_kioskLock);
    if (g_kioskOwner == this) g_kioskOwner = nullptr;
  }
  PostStatus(status.text);
  // CredentialsChanged is asynchronous and the documented way to ask for an auto-logon.
  if (status.signIn && provider != nullptr) provider->NotifyCredentialsChanged();
}

class ProductionEnvironment final : public ProviderEnvironment {
 public:
  ProductionEnvironment()
      : tokens_(MakeS4uTokenSource()), starter_(MakeCreateProcessAsUserStarter()), self_(MakeProcessSelfIdentity()),
        events_(MakeApplicationLogSink()) {}
  Policy ReadPolicy() override {
    RegistryPolicyStore store;
    Policy policy = LoadPolicy(store);
    LogPolicyNotesOnce(policy, *events_);
    return policy;
  }
  LaunchDeps Deps() override { return {tokens_.get(), starter_.get(), self_.get(), events_.get()}; }

 private:
  std::unique_ptr<TokenSource> tokens_;
  std::unique_ptr<ProcessStarter> starter_;
  std::unique_ptr<SelfIdentity> self_;
  std::unique_ptr<EventSink> events_;
};

}  // namespace

uint16_t ProviderEnvironment::UiLanguage() { return PRIMARYLANGID(GetSystemDefaultUILanguage()); }

bool ProviderEnvironment::AuthenticationPackage(ULONG* package) {
  HANDLE lsa = nullptr;
  LSA_STRING name;
  char negotiate[] = "Negotiate";  // NEGOSSP_NAME_A
  name.Buffer = negotiate;
  name.Length = static_cast<USHORT>(strlen(negotiate));
  name.MaximumLength = name.Length + 1;
  bool ok = LsaConnectUntrusted(&lsa) >= 0;
  ok = ok && LsaLookupAuthenticationPackage(lsa, &name, package) >= 0;
  if (lsa != nullptr) LsaDeregisterLogonProcess(lsa);
  return ok;
}

std::wstring ProviderEnvironment::DefaultKioskPath() {
  PWSTR folder = nullptr;
  std::wstring path = L"C:\\Program Files";
  if (SUCCEEDED(SHGetKnownFolderPath(FOLDERID_ProgramFiles, 0, nullptr, &folder))) path = folder;
  CoTaskMemFree(folder);
  return path + L"\\MyPass Kiosk\\MyPassKiosk.exe";
}

std::shared_ptr<ProviderEnvironment> MakeProductionEnvironment() { return std::make_shared<ProductionEnvironment>(); }

HRESULT CreateProvider(const std::shared_ptr<ProviderEnvironment>& env, REFIID riid, void** ppv) {
  if (ppv == nullptr) return E_POINTER;
  *ppv = nullptr;
  auto* provider = new (std::nothrow) Provider(env);
  if (provider == nullptr) return E_OUTOFMEMORY;
  const HRESULT hr = provider->QueryInterface(riid, ppv);
  provider->Release();
  return hr;
}

long LiveObjectCount() { return g_objects.load(); }
void ModuleAddRef() { ++g_objects; }
void ModuleRelease() { --g_objects; }

}  // namespace mypass
