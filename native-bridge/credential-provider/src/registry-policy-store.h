// Policy from HKLM through RegGetValueW with the table's explicit type (REG_EXPAND_SZ read unexpanded).
#pragma once
#include "kiosk-launcher.h"
#include "policy.h"

namespace mypass {

class RegistryPolicyStore final : public PolicyStore {
 public:
  RegistryRead Read(const PolicyValueSpec& spec) override;
};

/** Each (value, problem) goes to the Application log once per process. */
void LogPolicyNotesOnce(const Policy& policy, EventSink& sink);

}  // namespace mypass
