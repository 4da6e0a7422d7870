// IUnknown for the DLL's COM objects (class factory, provider, credential): created with one
// reference, holding the module's object count for DllCanUnloadNow while alive, answering
// QueryInterface for IUnknown and the interfaces the object lists in its static Implements.
#pragma once
#include <windows.h>

#include <atomic>

#include "provider.h"

namespace mypass {

template <class Derived, class Interface>
class ComObject : public Interface {
 public:
  IFACEMETHODIMP QueryInterface(REFIID riid, void** ppv) override {
    if (ppv == nullptr) return E_POINTER;
    *ppv = nullptr;
    if (!IsEqualIID(riid, IID_IUnknown) && !Derived::Implements(riid)) return E_NOINTERFACE;
    *ppv = static_cast<Interface*>(this);
    this->AddRef();
    return S_OK;
  }
  IFACEMETHODIMP_(ULONG) AddRef() override { return ++refs_; }
  IFACEMETHODIMP_(ULONG) Release() override {
    const long left = --refs_;
    if (left == 0) delete static_cast<Derived*>(this);
    return left;
  }

 protected:
  ComObject() { ModuleAddRef(); }
  // Runs after the object's own destructor: the module is counted until the object is fully gone.
  ~ComObject() { ModuleRelease(); }

 private:
  std::atomic<long> refs_{1};
};

}  // namespace mypass
