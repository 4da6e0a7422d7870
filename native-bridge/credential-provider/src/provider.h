// The "Forgot password?" credential provider (ICredentialProvider) and its one tile
// (ICredentialProviderCredential2). What it depends on comes in through ProviderEnvironment, so the
// DLL uses the real registry, S4U token and CreateProcessAsUserW, and the harness can substitute.
#pragma once
#include <memory>
#include <string>

#include "credentialprovider-compat.h"
#include "kiosk-launcher.h"
#include "policy.h"

namespace mypass {

class ProviderEnvironment {
 public:
  virtual ~ProviderEnvironment() = default;
  virtual Policy ReadPolicy() = 0;
  virtual LaunchDeps Deps() = 0;
  virtual std::wstring Desktop() { return L"winsta0\\Winlogon"; }
  /** 0: the policy's KioskTimeoutSeconds. */
  virtual DWORD TimeoutOverrideMs() { return 0; }
  virtual uint16_t UiLanguage();
  virtual std::wstring DefaultKioskPath();
  /** The Negotiate package id for the serialization (LsaLookupAuthenticationPackage). */
  virtual bool AuthenticationPackage(ULONG* package);
};

/** The DLL's environment: registry policy, S4U token source, CreateProcessAsUserW, Application log. */
std::shared_ptr<ProviderEnvironment> MakeProductionEnvironment();

HRESULT CreateProvider(const std::shared_ptr<ProviderEnvironment>& env, REFIID riid, void** ppv);

/** Live COM objects of this module (providers, credentials, class factories, locks). */
long LiveObjectCount();
void ModuleAddRef();
void ModuleRelease();

}  // namespace mypass
