// SmallFunction<R(Args...), N>: a move-only callable holder that keeps callables of up to N bytes
// inline and only heap-allocates larger ones. std::function allocates for anything over 16
// bytes, which made every deferred answer on the send path cost a malloc/free pair; the put
// callbacks of the store are one-shot and never copied, so move-only is all they need.
//
// Threading: none of its own; like std::function, one object is used by one thread at a time.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace rmq {

template <typename Signature, size_t Capacity = 96>
class SmallFunction;

template <typename R, typename... Args, size_t Capacity>
class SmallFunction<R(Args...), Capacity> {
 public:
  SmallFunction() noexcept = default;
  SmallFunction(std::nullptr_t) noexcept {}  // NOLINT: implicit, as std::function's

  template <typename F, typename D = std::decay_t<F>,
            typename = std::enable_if_t<!std::is_same_v<D, SmallFunction> &&
                                        std::is_invocable_r_v<R, D&, Args...>>>
  SmallFunction(F&& f) {  // NOLINT: implicit, as std::function's
    if constexpr (kInline<D>) {
      ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
      ops_ = &inlineOps<D>;
    } else {
      ::new (static_cast<void*>(storage_)) D*(new D(std::forward<F>(f)));
      ops_ = &heapOps<D>;
    }
  }

  SmallFunction(SmallFunction&& other) noexcept { takeFrom(other); }
  SmallFunction& operator=(SmallFunction&& other) noexcept {
    if (this != &other) {
      reset();
      takeFrom(other);
    }
    return *this;
  }
  SmallFunction& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  SmallFunction(const SmallFunction&) = delete;
  SmallFunction& operator=(const SmallFunction&) = delete;
  ~SmallFunction() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }

  // Whether a callable of type F is kept inline (for static_asserts on hot paths).
  template <typename F>
  static constexpr bool fitsInline() {
    return kInline<std::decay_t<F>>;
  }

  R operator()(Args... args) const {
    if (!ops_) throw std::bad_function_call();
    return ops_->invoke(const_cast<unsigned char*>(storage_), std::forward<Args>(args)...);
  }

 private:
  struct Ops {
    R (*invoke)(unsigned char* storage, Args&&... args);
    void (*moveTo)(unsigned char* from, unsigned char* to) noexcept;  // leaves `from` destroyed
    void (*destroy)(unsigned char* storage) noexcept;
  };

  template <typename D>
  static constexpr bool kInline =
      sizeof(D) <= Capacity &&
      alignof(D) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<D>;

  template <typename D>
  static constexpr Ops inlineOps{
      [](unsigned char* s, Args&&... args) -> R {
        return std::invoke(*std::launder(reinterpret_cast<D*>(s)), std::forward<Args>(args)...);
      },
      [](unsigned char* from, unsigned char* to) noexcept {
        D* f = std::launder(reinterpret_cast<D*>(from));
        ::new (static_cast<void*>(to)) D(std::move(*f));
        f->~D();
      },
      [](unsigned char* s) noexcept { std::launder(reinterpret_cast<D*>(s))->~D(); }};

  template <typename D>
  static constexpr Ops heapOps{
      [](unsigned char* s, Args&&... args) -> R {
        return std::invoke(**std::launder(reinterpret_cast<D**>(s)), std::forward<Args>(args)...);
      },
      [](unsigned char* from, unsigned char* to) noexcept {
        ::new (static_cast<void*>(to)) D*(*std::launder(reinterpret_cast<D**>(from)));
      },
      [](unsigned char* s) noexcept { delete *std::launder(reinterpret_cast<D**>(s)); }};

  void takeFrom(SmallFunction& other) noexcept {
    if (other.ops_) {
      other.ops_->moveTo(other.storage_, storage_);
      ops_ = other.ops_;
      other.ops_ = nullptr;
    }
  }
  void reset() noexcept {
    if (ops_) {
      ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

  alignas(
      std::max_align_t) unsigned char storage_[Capacity < sizeof(void*) ? sizeof(void*) : Capacity];
  const Ops* ops_ = nullptr;
};

}  // namespace rmq
