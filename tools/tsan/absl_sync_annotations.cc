// Happens-before annotations for Debian's prebuilt Abseil synchronization
// library, for ThreadSanitizer builds only: the `tsan` test preset puts it in
// LD_PRELOAD (docs/building.md, "ThreadSanitizer and Abseil").
//
// Why: libabsl_synchronization.so is not built with -fsanitize=thread, so TSan
// never sees absl::Mutex lock and unlock (they are atomics and futex calls in
// uninstrumented code) and reports every access to mutex-guarded data from
// two threads as a race. This library interposes the out-of-line entry points
// (dynamic symbol interposition: it is loaded before libabsl), forwards to the
// real ones (dlsym RTLD_NEXT) and tells TSan about the acquire/release edges
// they create, which is exactly what an instrumented Abseil would do. Only
// happens-before is modelled, not lock ownership: a missed edge can hide a
// race, never invent one.
//
// Not annotated (inline in the headers, so not interposable):
// Notification::HasBeenNotified(); code that polls it and then reads data
// written before Notify() may still get a report.
//
// The library itself is not instrumented and does not link libtsan: in a
// process without TSan (ctest, a shell started by a test) the annotation
// functions are absent and every call just forwards.
#include <dlfcn.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/synchronization/barrier.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace {

using AnnotationFn = void (*)(void*);

AnnotationFn LookUpAnnotation(const char* name) {
  return reinterpret_cast<AnnotationFn>(dlsym(RTLD_DEFAULT, name));
}

void Acquire(const void* addr) {
  static const AnnotationFn fn = LookUpAnnotation("__tsan_acquire");
  if (fn != nullptr) fn(const_cast<void*>(addr));
}

void Release(const void* addr) {
  static const AnnotationFn fn = LookUpAnnotation("__tsan_release");
  if (fn != nullptr) fn(const_cast<void*>(addr));
}

// The address of a non-virtual member function. Itanium C++ ABI: a pointer
// to member function is {function address, this adjustment}.
template <typename MemberFn>
void* AddressOf(MemberFn member) {
  struct Representation {
    void* address;
    std::ptrdiff_t this_adjustment;
  };
  static_assert(sizeof(MemberFn) == sizeof(Representation));
  Representation representation;
  std::memcpy(&representation, &member, sizeof(representation));
  return representation.address;
}

// The next definition (in load order, so Abseil's own) of the function whose
// interposing definition is at `self`. The mangled name comes from dladdr, so
// nothing here depends on Abseil's inline namespace. A symbol that cannot be
// forwarded is fatal: there is nothing sensible to do instead.
void* Next(void* self) {
  Dl_info info{};
  void* next = nullptr;
  if (dladdr(self, &info) != 0 && info.dli_sname != nullptr) {
    next = dlsym(RTLD_NEXT, info.dli_sname);
  }
  if (next == nullptr) {
    std::fprintf(stderr, "spillway tsan annotations: cannot forward %s\n",
                 info.dli_sname != nullptr ? info.dli_sname : "(unknown symbol)");
    std::abort();
  }
  return next;
}

// Abseil's definition of `member`, called as a plain function of type `type`
// that takes `this` first (the Itanium ABI calling convention). Looked up once.
#define SPILLWAY_NEXT(type, member)                                         \
  ([] {                                                                     \
    static const auto next = reinterpret_cast<type>(Next(AddressOf(member))); \
    return next;                                                            \
  }())

}  // namespace

namespace absl {

// --- Mutex -----------------------------------------------------------------

void Mutex::Lock() {
  SPILLWAY_NEXT(void (*)(Mutex*), &Mutex::Lock)(this);
  Acquire(this);
}

void Mutex::Unlock() {
  Release(this);
  SPILLWAY_NEXT(void (*)(Mutex*), &Mutex::Unlock)(this);
}

bool Mutex::TryLock() {
  const bool locked = SPILLWAY_NEXT(bool (*)(Mutex*), &Mutex::TryLock)(this);
  if (locked) Acquire(this);
  return locked;
}

void Mutex::ReaderLock() {
  SPILLWAY_NEXT(void (*)(Mutex*), &Mutex::ReaderLock)(this);
  Acquire(this);
}

void Mutex::ReaderUnlock() {
  Release(this);
  SPILLWAY_NEXT(void (*)(Mutex*), &Mutex::ReaderUnlock)(this);
}

bool Mutex::ReaderTryLock() {
  const bool locked = SPILLWAY_NEXT(bool (*)(Mutex*), &Mutex::ReaderTryLock)(this);
  if (locked) Acquire(this);
  return locked;
}

// The *When* calls return holding the lock even when they time out.
void Mutex::LockWhen(const Condition& cond) {
  SPILLWAY_NEXT(void (*)(Mutex*, const Condition&), &Mutex::LockWhen)(this, cond);
  Acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  SPILLWAY_NEXT(void (*)(Mutex*, const Condition&), &Mutex::ReaderLockWhen)(this, cond);
  Acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  const bool met = SPILLWAY_NEXT(bool (*)(Mutex*, const Condition&, absl::Duration),
                                 &Mutex::LockWhenWithTimeout)(this, cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  const bool met = SPILLWAY_NEXT(bool (*)(Mutex*, const Condition&, absl::Time),
                                 &Mutex::LockWhenWithDeadline)(this, cond, deadline);
  Acquire(this);
  return met;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  const bool met = SPILLWAY_NEXT(bool (*)(Mutex*, const Condition&, absl::Duration),
                                 &Mutex::ReaderLockWhenWithTimeout)(this, cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  const bool met = SPILLWAY_NEXT(bool (*)(Mutex*, const Condition&, absl::Time),
                                 &Mutex::ReaderLockWhenWithDeadline)(this, cond, deadline);
  Acquire(this);
  return met;
}

// Await releases the lock while it waits and holds it again on return.
void Mutex::Await(const Condition& cond) {
  Release(this);
  SPILLWAY_NEXT(void (*)(Mutex*, const Condition&), &Mutex::Await)(this, cond);
  Acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  Release(this);
  const bool met = SPILLWAY_NEXT(bool (*)(Mutex*, const Condition&, absl::Duration),
                                 &Mutex::AwaitWithTimeout)(this, cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  Release(this);
  const bool met = SPILLWAY_NEXT(bool (*)(Mutex*, const Condition&, absl::Time),
                                 &Mutex::AwaitWithDeadline)(this, cond, deadline);
  Acquire(this);
  return met;
}

// --- CondVar: waiting releases and re-acquires the mutex ------------------

void CondVar::Wait(Mutex* mu) {
  Release(mu);
  SPILLWAY_NEXT(void (*)(CondVar*, Mutex*), &CondVar::Wait)(this, mu);
  Acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  Release(mu);
  const bool timed_out = SPILLWAY_NEXT(bool (*)(CondVar*, Mutex*, absl::Duration),
                                       &CondVar::WaitWithTimeout)(this, mu, timeout);
  Acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  Release(mu);
  const bool timed_out = SPILLWAY_NEXT(bool (*)(CondVar*, Mutex*, absl::Time),
                                       &CondVar::WaitWithDeadline)(this, mu, deadline);
  Acquire(mu);
  return timed_out;
}

// --- Notification, BlockingCounter, Barrier --------------------------------

void Notification::Notify() {
  Release(this);
  SPILLWAY_NEXT(void (*)(Notification*), &Notification::Notify)(this);
}

void Notification::WaitForNotification() const {
  SPILLWAY_NEXT(void (*)(const Notification*), &Notification::WaitForNotification)(this);
  Acquire(this);
}

bool Notification::WaitForNotificationWithTimeout(absl::Duration timeout) const {
  const bool notified =
      SPILLWAY_NEXT(bool (*)(const Notification*, absl::Duration),
                    &Notification::WaitForNotificationWithTimeout)(this, timeout);
  if (notified) Acquire(this);
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(absl::Time deadline) const {
  const bool notified =
      SPILLWAY_NEXT(bool (*)(const Notification*, absl::Time),
                    &Notification::WaitForNotificationWithDeadline)(this, deadline);
  if (notified) Acquire(this);
  return notified;
}

bool BlockingCounter::DecrementCount() {
  Release(this);
  const bool reached_zero =
      SPILLWAY_NEXT(bool (*)(BlockingCounter*), &BlockingCounter::DecrementCount)(this);
  // The last decrementer may go on to use what the others produced.
  if (reached_zero) Acquire(this);
  return reached_zero;
}

void BlockingCounter::Wait() {
  SPILLWAY_NEXT(void (*)(BlockingCounter*), &BlockingCounter::Wait)(this);
  Acquire(this);
}

bool Barrier::Block() {
  Release(this);
  const bool last = SPILLWAY_NEXT(bool (*)(Barrier*), &Barrier::Block)(this);
  Acquire(this);
  return last;
}

}  // namespace absl

