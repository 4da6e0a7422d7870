// Heap residue of the new password: this binary replaces the global operator new/delete so every block
// freed while the result message is parsed is scanned for the password (as UTF-8 bytes and as 16- and
// 32-bit code units) before it goes back to the allocator. A hit means a copy was freed unwiped.
// Its own binary because the replaced allocator is process-wide. Built for host g++ (32-bit wchar_t)
// and mingw (16-bit wchar_t, run under wine). Prints "N passed, N failed"; exit 0 iff none failed.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <string>
#include <string_view>

#include "../src/pipe-protocol.h"

namespace {

bool g_scanning = false;
int g_hits = 0;
const char* g_marker = nullptr;  // ASCII prefix of the password under test

bool Holds(const unsigned char* p, size_t n, const char* s, size_t stride) {
  const size_t len = std::strlen(s);
  if (len == 0 || n < len * stride) return false;
  for (size_t i = 0; i + (len - 1) * stride < n; ++i) {
    bool match = true;
    for (size_t k = 0; k < len && match; ++k) {
      match = p[i + k * stride] == static_cast<unsigned char>(s[k]);
      for (size_t z = 1; z < stride && match && k + 1 < len; ++z) match = p[i + k * stride + z] == 0;
    }
    if (match) return true;
  }
  return false;
}

// The block size sits in a header in front of the block so delete can scan it.
constexpr size_t kHeader = alignof(std::max_align_t);

}  // namespace

void* operator new(size_t n) {
  auto* base = static_cast<unsigned char*>(std::malloc(n + kHeader));
  if (base == nullptr) throw std::bad_alloc();
  std::memcpy(base, &n, sizeof n);
  return base + kHeader;
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* q) noexcept {
  if (q == nullptr) return;
  unsigned char* base = static_cast<unsigned char*>(q) - kHeader;
  size_t n = 0;
  std::memcpy(&n, base, sizeof n);
  if (g_scanning && g_marker != nullptr) {
    const auto* b = static_cast<const unsigned char*>(q);
    if (Holds(b, n, g_marker, 1) || Holds(b, n, g_marker, 2) || Holds(b, n, g_marker, 4)) {
      ++g_hits;
      std::printf("  freed %zu bytes still holding the password\n", n);
      if (std::getenv("RESIDUE_DUMP") != nullptr) std::fwrite(b, 1, n, stdout);
    }
  }
  std::free(base);
}
void operator delete[](void* q) noexcept { operator delete(q); }
void operator delete(void* q, size_t) noexcept { operator delete(q); }
void operator delete[](void* q, size_t) noexcept { operator delete(q); }

namespace {

int g_passed = 0, g_failed = 0;

void Check(bool ok, const std::string& what) {
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    std::printf("FAIL %s\n", what.c_str());
  }
}

// One allocation, so the test itself frees no partial copies that a later block could pick up unwiped.
std::string Body(std::initializer_list<std::string_view> parts) {
  size_t size = 0;
  for (const auto& part : parts) size += part.size();
  std::string body;
  body.reserve(size);
  for (const auto& part : parts) body += part;
  return body;
}

// `passwordJson` is the password as written inside the JSON string (escapes allowed); `marker` an
// ASCII run of it as decoded.
void ParseLeavesNoCopy(const std::string& name, const std::string& passwordJson, const char* marker,
                       bool expectOk = true) {
  const std::string nonce = "abcdefabcdefabcdefabcdefabcdefab";
  std::string body = Body({"{\"version\":1,\"nonce\":\"", nonce,
                                 "\",\"outcome\":\"completed\",\"purpose\":\"reset\",\"userName\":\"adele@contoso.example\",",
                                 "\"newPassword\":\"", passwordJson, "\"}"});
  mypass::KioskResult result;
  g_marker = marker;
  g_hits = 0;
  g_scanning = true;
  const mypass::PipeError error = mypass::ParseResultMessage(body, nonce, result);
  const bool parsed = error == mypass::PipeError::None && !result.newPassword.Empty();
  result.newPassword.Clear();
  g_scanning = false;
  Check(parsed == expectOk, name + ": parse " + mypass::PipeErrorCode(error));
  Check(g_hits == 0, name + ": " + std::to_string(g_hits) + " freed block(s) held the password");
}

// Members after the password make the member vector grow after the password was stored in it.
void ReorderedLeavesNoCopy() {
  const std::string nonce = "abcdefabcdefabcdefabcdefabcdefab";
  std::string body = Body({"{\"newPassword\":\"Shrt9Pw\",\"version\":1,\"nonce\":\"", nonce,
                           "\",\"outcome\":\"completed\",\"purpose\":\"reset\",\"userName\":\"adele@contoso.example\"}"});
  mypass::KioskResult result;
  g_marker = "Shrt9Pw";
  g_hits = 0;
  g_scanning = true;
  const mypass::PipeError error = mypass::ParseResultMessage(body, nonce, result);
  result.newPassword.Clear();
  g_scanning = false;
  Check(error == mypass::PipeError::None, "password first: parse ok");
  Check(g_hits == 0, "password first: " + std::to_string(g_hits) + " freed block(s) held the password");
}

}  // namespace

int main() {
  ParseLeavesNoCopy("22-char ASCII", "Sup3rSecretPassw0rdXYZ", "Sup3rSecre");
  ParseLeavesNoCopy("short (fits the small-string buffer)", "Shrt9Pw", "Shrt9Pw");
  ParseLeavesNoCopy("long", "LongSecretPassphrase-with-many-words-0123456789", "LongSecretPass");
  ParseLeavesNoCopy("escapes and non-ASCII", "Gr\\u00fc\\u00dfe\\\"Secr3tMarker\\\\\xc3\xa9\xf0\x9f\x94\x91x", "Secr3tMarker");
  // Refused (a password too long): the partial copies must be wiped on the error path too.
  ParseLeavesNoCopy("refused, too long", "TooLongSecret" + std::string(300, 'x'), "TooLongSecret", false);
  ReorderedLeavesNoCopy();
  std::printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
