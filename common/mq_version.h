// MQVersion ordinals (see shared protocol remoting.md section 9). Servers report V4_9_8.
#pragma once

#include <cstdint>

namespace rmq::mqversion {

constexpr int32_t V3_0_7_SNAPSHOT = 28;
constexpr int32_t V3_0_11 = 37;
constexpr int32_t V3_1_8_SNAPSHOT = 62;
constexpr int32_t V3_4_9 = 121;
constexpr int32_t V4_1_0_SNAPSHOT = 232;
constexpr int32_t V4_9_4 = 401;
constexpr int32_t V4_9_8 = 409;
constexpr int32_t CURRENT = V4_9_8;
constexpr const char* CURRENT_DESC = "V4_9_8";

}  // namespace rmq::mqversion
