package io.pgcdc.it.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder in front of a server: clients connect to {@link #port()}, each
 * connection is relayed to the target by two threads. {@link #cutAll()} closes every open
 * connection at once (both sides see a reset or end of stream), as a network failure would; new
 * connections are accepted as before. {@link #silenceAll()} makes the open connections drop what
 * they carry without closing, as a network path that loses every packet.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Socket> silenced = ConcurrentHashMap.newKeySet();
  private final Set<Socket> oneMoreByte = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;
  private volatile boolean closed;

  public TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    try {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on loopback", e);
    }
    this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public String host() {
    return "127.0.0.1";
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /** Connections open now (each counted once). */
  int open() {
    return sockets.size() / 2;
  }

  /** Closes every open connection; returns how many there were. */
  int cutAll() {
    int count = open();
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0); // a reset, not an orderly close
      } catch (IOException e) {
        // already closed
      }
      closeQuietly(s);
    }
    return count;
  }

  /**
   * The connections open now relay nothing more: what either side sends is dropped, and neither
   * side is told. Returns how many there were; new connections relay as usual.
   */
  public int silenceAll() {
    silenced.addAll(sockets);
    return silenced.size() / 2;
  }

  /**
   * The connections open now relay one more byte in each direction, then nothing: a connection that
   * dies in the middle of a message. Returns how many there were.
   */
  public int silenceAfterOneByte() {
    oneMoreByte.addAll(sockets);
    return oneMoreByte.size() / 2;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket upstream;
      try {
        upstream = new Socket(targetHost, targetPort);
      } catch (IOException e) {
        closeQuietly(client); // the target is down: the client sees the connection fail
        continue;
      }
      accepted.incrementAndGet();
      sockets.add(client);
      sockets.add(upstream);
      pump(client, upstream);
      pump(upstream, client);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (oneMoreByte.remove(from)) {
                    out.write(buffer, 0, 1);
                    silenced.add(from);
                  } else if (!silenced.contains(from)) {
                    out.write(buffer, 0, n);
                  }
                }
              } catch (IOException e) {
                // cut, or the other side closed: close both below
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-proxy-" + from.getPort() + "-" + to.getPort());
    t.setDaemon(true);
    t.start();
  }

  private void closeQuietly(Socket s) {
    sockets.remove(s);
    silenced.remove(s);
    oneMoreByte.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    cutAll();
  }
}
