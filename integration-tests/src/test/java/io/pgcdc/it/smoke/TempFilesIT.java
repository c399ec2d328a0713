package io.pgcdc.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.JavaProcess;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test JVM, the broker and the worker keep their temporary files (lz4-java unpacks its native
 * library there) under target/, not in /tmp, where they would outlive the build.
 */
@ExtendWith(KafkaConnectExtension.class)
class TempFilesIT {

  @Test
  void theTestBrokerAndWorkerJvmsUseTheBuildsTemporaryFolder(ConnectCluster cluster) {
    Path expected = Path.of(System.getProperty("pgcdc.tmp.dir")).toAbsolutePath().normalize();
    assertThat(expected.toString()).endsWith("/target/tmp");
    assertThat(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize())
        .as("this JVM's java.io.tmpdir")
        .isEqualTo(expected);
    for (long pid : List.of(cluster.broker().process().pid(), cluster.worker().process().pid())) {
      assertThat(JavaProcess.commandLine(pid))
          .as("arguments of pid %d", pid)
          .contains("-Djava.io.tmpdir=" + expected);
    }
  }
}
