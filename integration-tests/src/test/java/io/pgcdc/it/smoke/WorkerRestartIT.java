package io.pgcdc.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorPlugin;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.OwnConnectCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fixture's worker can be SIGKILLed and started again, on a cluster of the test's own. */
@ExtendWith(KafkaConnectExtension.class)
@OwnConnectCluster
class WorkerRestartIT {

  @Test
  void killedWorkerComesBackOnItsPortWithThePlugins(ConnectCluster cluster) {
    assertThat(cluster).isNotSameAs(ConnectCluster.shared());
    long firstPid = cluster.worker().process().pid();

    cluster.worker().kill();

    assertThat(cluster.worker().process().isAlive()).isFalse();
    assertThat(cluster.rest().healthy()).isFalse();

    cluster.worker().restart(Duration.ofMinutes(2));

    assertThat(cluster.worker().process().pid()).isNotEqualTo(firstPid);
    assertThat(cluster.rest().plugins())
        .extracting(ConnectorPlugin::className)
        .contains(PluginLoadingIT.SOURCE, PluginLoadingIT.SINK);
  }
}
