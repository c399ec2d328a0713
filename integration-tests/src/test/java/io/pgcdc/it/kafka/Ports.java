package io.pgcdc.it.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports. A port may be taken again before the server binds it: callers retry. */
final class Ports {
  private Ports() {}

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** True when the log says the server lost the race for its port. */
  static boolean lostPortRace(JavaProcess process) {
    String tail = process.logTail(200);
    return tail.contains("Address already in use") || tail.contains("BindException");
  }
}
