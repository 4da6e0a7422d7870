// The DLL's COM entry points: a class factory for the one CLSID, and DllCanUnloadNow.
#include <windows.h>

#include <atomic>
#include <new>

#include "com-object.h"
#include "provider.h"

using namespace mypass;

namespace {

class ClassFactory final : public ComObject<ClassFactory, IClassFactory> {
 public:
  static bool Implements(REFIID riid) { return IsEqualIID(riid, IID_IClassFactory); }
  IFACEMETHODIMP CreateInstance(IUnknown* outer, REFIID riid, void** ppv) override {
    if (ppv == nullptr) return E_POINTER;
    *ppv = nullptr;
    if (outer != nullptr) return CLASS_E_NOAGGREGATION;
    return CreateProvider(MakeProductionEnvironment(), riid, ppv);
  }
  IFACEMETHODIMP LockServer(BOOL lock) override {
    if (lock) ModuleAddRef();
    else ModuleRelease();
    return S_OK;
  }

 private:
  friend class ComObject<ClassFactory, IClassFactory>;
  ~ClassFactory() = default;
};

}  // namespace

extern "C" HRESULT __stdcall DllGetClassObject(REFCLSID clsid, REFIID riid, void** ppv) {
  if (ppv == nullptr) return E_POINTER;
  *ppv = nullptr;
  if (!IsEqualCLSID(clsid, kCLSID_MyPassProvider)) return CLASS_E_CLASSNOTAVAILABLE;
  auto* factory = new (std::nothrow) ClassFactory();
  if (factory == nullptr) return E_OUTOFMEMORY;
  const HRESULT hr = factory->QueryInterface(riid, ppv);
  factory->Release();
  return hr;
}

extern "C" HRESULT __stdcall DllCanUnloadNow() { return LiveObjectCount() == 0 ? S_OK : S_FALSE; }

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID) {
  if (reason == DLL_PROCESS_ATTACH) DisableThreadLibraryCalls(instance);
  return TRUE;
}
