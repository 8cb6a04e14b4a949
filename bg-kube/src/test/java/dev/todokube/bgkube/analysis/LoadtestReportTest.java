package dev.todokube.bgkube.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The history CSV's cumulative totals give each second's own mean latency. */
class LoadtestReportTest {

    private static final String HEADER = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,"
            + "98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,"
            + "Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size";

    @Test
    void eachSecondsMeanComesFromTheCumulativeCountAndMean() {
        List<HistorySample> samples = LoadtestReport.history(List.of(HEADER,
                "1796170026,4,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.000000,0.000000,0.000000,0.000000",
                "1796170027,5,,Aggregated,100.000000,1.000000,6,8,10,11,14,28,30,40,41,41,41,100,1,6,10.000000,1.0,41.0,53.0",
                "1796170028,5,,Aggregated,300.000000,0.000000,6,8,10,11,14,28,30,40,41,41,41,400,1,6,4.000000,1.0,41.0,53.0"));

        assertThat(samples).hasSize(3);
        assertThat(samples.get(0).meanMs()).isNaN();
        assertThat(samples.get(1).meanMs()).isCloseTo(10.0, within(1e-9));
        // 400 calls averaging 4 ms after 100 averaging 10 ms: the 300 new ones averaged 2 ms.
        assertThat(samples.get(2).meanMs()).isCloseTo(2.0, within(1e-9));
        assertThat(samples.get(2).requestsPerSecond()).isEqualTo(300.0);
        assertThat(samples.get(1).failuresPerSecond()).isEqualTo(1.0);
        assertThat(samples.get(1).users()).isEqualTo(5);
        assertThat(samples.get(1).atSeconds()).isEqualTo(1796170027L);
    }
}
