package io.pgcdc.connector.notify;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dedicated listening connection: autocommit, TCP keepalive, a socket timeout so that no read
 * blocks forever, LISTEN on every channel. It hands out what arrives, except what its own backend
 * sent, and checks now and then that the server still answers.
 */
final class NotifyListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotifyListener.class);

  private final ConnectionSettings settings;
  private final Duration socketTimeout;
  private final ScheduledExecutorService watchdog;
  private final Deque<Notification> received = new ArrayDeque<>();
  private Connection connection;
  private PGConnection pg;
  private int backendPid;
  private long lastAliveMillis;

  NotifyListener(ConnectionSettings settings, Duration socketTimeout) {
    this.settings = settings;
    this.socketTimeout = socketTimeout;
    ScheduledThreadPoolExecutor guards =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "pgcdc-notify-watchdog");
              t.setDaemon(true);
              return t;
            });
    // A guard is scheduled for every read and cancelled when it returns: drop it from the queue
    // then, or they pile up for the socket timeout (tens of thousands at high rates).
    guards.setRemoveOnCancelPolicy(true);
    this.watchdog = guards;
  }

  /** Connects and listens on {@code channels}; returns when LISTEN is in effect on all of them. */
  void open(Channels channels) throws SQLException {
    // Stamped before connecting, not after LISTEN returns, which a busy thread can note well after
    // the connection died (seen: a gap that began 18 ms after the connection was cut).
    long started = System.currentTimeMillis();
    Properties props = settings.properties();
    PGProperty.SOCKET_TIMEOUT.set(props, (int) Math.max(1, socketTimeout.toSeconds()));
    connection = DriverManager.getConnection(settings.jdbcUrl(), props);
    try {
      connection.setAutoCommit(true);
      pg = connection.unwrap(PGConnection.class);
      backendPid = pg.getBackendPID();
      try (Statement s = connection.createStatement()) {
        for (String channel : channels.names()) {
          s.execute(Channels.listen(channel));
        }
      }
      lastAliveMillis = started;
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The server process of this connection. */
  int backendPid() {
    return backendPid;
  }

  /**
   * The last moment the connection was known to deliver: every notification committed before it has
   * been received. It is when an exchange that the server answered began: the opening (stamped
   * before connecting) or the last {@link #check}. A notification that arrives is no such proof:
   * others committed just before it may still be on their way, and go with a connection lost then.
   */
  long lastAliveMillis() {
    return lastAliveMillis;
  }

  /**
   * Up to {@code max} notifications, waiting at most {@code timeout} for the first when none is
   * pending. Notifications sent by this connection's own backend are dropped: they are not news.
   */
  void receive(List<Notification> out, int max, Duration timeout) throws SQLException {
    if (received.isEmpty()) {
      fetch(timeout);
    }
    while (out.size() < max && !received.isEmpty()) {
      out.add(received.poll());
    }
  }

  /**
   * Waits for notifications. The driver bounds the wait for a message's first byte only, and reads
   * the rest without a timeout: should the connection die in the middle of a message, the watchdog
   * aborts it once the wait and the socket timeout have passed, and the read fails.
   */
  private void fetch(Duration timeout) throws SQLException {
    int millis = (int) Math.max(1, timeout.toMillis());
    Connection watched = connection;
    ScheduledFuture<?> guard =
        watchdog.schedule(
            () -> abort(watched), millis + socketTimeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      keep(pg.getNotifications(millis));
    } finally {
      guard.cancel(false);
    }
  }

  private void abort(Connection stuck) {
    log.warn(
        "Reading notifications took longer than the wait plus connection.socket.timeout.ms ({}):"
            + " closing the connection",
        socketTimeout);
    try {
      stuck.abort(Runnable::run);
    } catch (SQLException e) {
      log.debug("Abort failed: {}", e.toString());
    }
  }

  /** Keeps {@code batch} (if any) for {@link #receive}. */
  private void keep(PGNotification[] batch) {
    if (batch != null && batch.length > 0) {
      received.addAll(fromOthers(batch, backendPid, System.currentTimeMillis()));
    }
  }

  /** The notifications of {@code batch} not sent by {@code ownPid}, received at {@code now}. */
  static List<Notification> fromOthers(PGNotification[] batch, int ownPid, long now) {
    List<Notification> others = new ArrayList<>(batch.length);
    for (PGNotification n : batch) {
      if (n.getPID() != ownPid) {
        others.add(new Notification(n.getName(), n.getParameter(), n.getPID(), now));
      }
    }
    return others;
  }

  /**
   * Asks the server for {@code pg_notification_queue_usage()}: an answer within the socket timeout
   * proves the connection alive as of the question. The server sends the notifications committed
   * before the query ahead of its answer; the driver holds them, and they are taken over at once,
   * so that they survive a connection lost right after. The function is named with its schema, so
   * that no function of the same name on the role's search_path runs on this connection.
   */
  double check() throws SQLException {
    long started = System.currentTimeMillis();
    double usage;
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_notification_queue_usage()")) {
      rs.next();
      usage = rs.getDouble(1);
    }
    keep(pg.getNotifications());
    lastAliveMillis = Math.max(lastAliveMillis, started);
    return usage;
  }

  /** Closes the connection; notifications received and not handed out yet are kept. */
  @Override
  public void close() {
    Closeables.closeQuietly(connection);
    connection = null;
    pg = null;
  }

  /** Closes the connection for good, and the watchdog. */
  void shutdown() {
    close();
    watchdog.shutdownNow();
  }
}
