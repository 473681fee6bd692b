#include "common/small_function.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

namespace rmq {
namespace {

// Counts live instances, so a test sees every construction matched by one destruction.
struct Tracked {
  static inline int live = 0;
  explicit Tracked(int v) : value(v) { ++live; }
  Tracked(const Tracked& o) : value(o.value) { ++live; }
  Tracked(Tracked&& o) noexcept : value(o.value) { ++live; }
  ~Tracked() { --live; }
  int value;
};

using Fn = SmallFunction<int(int), 32>;

TEST(SmallFunction, SmallCallablesStayInlineLargeOnesGoToTheHeap) {
  int base = 10;
  auto small = [&base](int x) { return base + x; };
  std::array<char, 64> pad{};
  auto large = [pad, &base](int x) { return base + x + pad[0]; };
  EXPECT_TRUE(Fn::fitsInline<decltype(small)>());
  EXPECT_FALSE(Fn::fitsInline<decltype(large)>());
  Fn a = small;
  Fn b = large;
  EXPECT_EQ(a(1), 11);
  EXPECT_EQ(b(2), 12);
  base = 20;
  EXPECT_EQ(a(1), 21);
}

TEST(SmallFunction, MovesCarryTheCallableAndDestroyItOnce) {
  {
    Fn a = [t = Tracked(5)](int x) { return t.value * x; };
    EXPECT_EQ(Tracked::live, 1);
    Fn b = std::move(a);
    EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    EXPECT_EQ(b(3), 15);
    Fn c;
    c = std::move(b);
    EXPECT_EQ(c(2), 10);
    EXPECT_EQ(Tracked::live, 1);
    c = nullptr;
    EXPECT_EQ(Tracked::live, 0);
    std::array<char, 64> pad{};
    Fn heap = [t = Tracked(7), pad](int x) { return t.value + x + pad[1]; };
    Fn moved = std::move(heap);
    EXPECT_EQ(moved(1), 8);
    EXPECT_EQ(Tracked::live, 1);
  }
  EXPECT_EQ(Tracked::live, 0);
}

TEST(SmallFunction, HoldsMoveOnlyCallablesAndMutableState) {
  SmallFunction<int()> counter = [n = std::make_unique<int>(0)]() mutable { return ++*n; };
  EXPECT_EQ(counter(), 1);
  EXPECT_EQ(counter(), 2);
  SmallFunction<std::string(const std::string&)> shout = [](const std::string& s) {
    return s + "!";
  };
  EXPECT_EQ(shout("hi"), "hi!");
}

TEST(SmallFunction, CallingAnEmptyOneThrows) {
  Fn empty;
  EXPECT_FALSE(empty);
  EXPECT_THROW(empty(1), std::bad_function_call);
}

}  // namespace
}  // namespace rmq
