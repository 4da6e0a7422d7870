#include "secure-buffer.h"

#ifdef _WIN32
#include <windows.h>
#endif

namespace mypass {

void WipeBytes(void* data, size_t size) {
  if (data == nullptr || size == 0) return;
#ifdef _WIN32
  SecureZeroMemory(data, size);
#else
  volatile unsigned char* p = static_cast<volatile unsigned char*>(data);
  while (size-- > 0) *p++ = 0;
#endif
}

}  // namespace mypass
