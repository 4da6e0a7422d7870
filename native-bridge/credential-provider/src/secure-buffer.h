// Wiping secrets: the new password lives only in these buffers and is zeroed when they die.
#pragma once
#include <string>

namespace mypass {

/** Zeroes memory in a way the optimiser may not drop (SecureZeroMemory on Windows). */
void WipeBytes(void* data, size_t size);

// The whole capacity: bytes past size() may hold an earlier, longer value. Growing to the capacity never
// reallocates.
inline void WipeString(std::string& s) {
  s.resize(s.capacity());
  WipeBytes(&s[0], s.size());
  s.clear();
}
inline void WipeString(std::wstring& s) {
  s.resize(s.capacity());
  WipeBytes(&s[0], s.size() * sizeof(wchar_t));
  s.clear();
}

/** A wide secret that wipes itself on destruction and on Clear(). Not copyable. */
class SecretWide {
 public:
  SecretWide() = default;
  SecretWide(const SecretWide&) = delete;
  SecretWide& operator=(const SecretWide&) = delete;
  SecretWide(SecretWide&& other) noexcept { Take(other); }
  SecretWide& operator=(SecretWide&& other) noexcept {
    if (this != &other) {
      Clear();
      Take(other);
    }
    return *this;
  }
  ~SecretWide() { Clear(); }

  void Clear() { WipeString(value_); }
  bool Empty() const { return value_.empty(); }
  const std::wstring& Value() const { return value_; }
  /** Takes the characters and wipes the source. */
  void Assign(std::wstring& source) {
    Clear();
    value_.reserve(source.size() + 1);
    value_.assign(source);
    WipeString(source);
  }

 private:
  void Take(SecretWide& other) {
    value_.swap(other.value_);
    other.Clear();
  }
  std::wstring value_;
};

}  // namespace mypass
