package io.pgcdc.it.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a notify task says in the worker's log about its connection: "Listening on [...] as server
 * process N" once every LISTEN on a new connection has returned, "Listening connection lost" when
 * it drops one. Reads the log on from where it stopped, complete lines only.
 */
final class NotifyTaskLog {
  private static final Pattern PID = Pattern.compile(" as server process (\\d+)");

  private final Path file;
  private final String task;
  private long position;
  private int pid;

  NotifyTaskLog(Path file, String connector) {
    this.file = file;
    this.task = "[task-thread-" + connector + "-0] PostgresNotifySourceTask: ";
  }

  Path file() {
    return file;
  }

  /** The server process the task listens on as of the log's last line; 0 when none. */
  int listeningPid() {
    for (String line : newLines()) {
      int at = line.indexOf(task);
      if (at < 0) {
        continue;
      }
      String said = line.substring(at + task.length());
      if (said.startsWith("Listening on ")) {
        Matcher m = PID.matcher(said);
        pid = m.find() ? Integer.parseInt(m.group(1)) : 0;
      } else if (said.startsWith("Listening connection lost")) {
        pid = 0;
      }
    }
    return pid;
  }

  private List<String> newLines() {
    try (SeekableByteChannel in = Files.newByteChannel(file)) {
      long size = in.size();
      if (size <= position) {
        return List.of();
      }
      ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(size - position));
      in.position(position);
      while (bytes.hasRemaining() && in.read(bytes) >= 0) {
        // read on: a channel may return fewer bytes than asked
      }
      int end = bytes.position();
      while (end > 0 && bytes.get(end - 1) != '\n') {
        end--; // a line still being written is read next time
      }
      position += end;
      return new String(bytes.array(), 0, end, StandardCharsets.ISO_8859_1).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the worker's log " + file, e);
    }
  }
}
