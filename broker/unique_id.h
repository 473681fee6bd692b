// Message unique ids in the layout of the Java client's UNIQ_KEY (MessageClientIDSetter): IPv4
// address, pid, a per-process hash and, per id, the milliseconds since the start of the month
// and a counter; 32 upper-case hex characters. The broker needs them for the messages it writes
// itself (transaction op records).
#pragma once

#include <string>

namespace rmq::broker {

std::string createUniqueId();

}  // namespace rmq::broker
