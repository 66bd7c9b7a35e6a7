package io.vigil.job.influx;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

/**
 * One point waiting in the InfluxDB sink: its line protocol and when its record entered Vigil (epoch ms, 0 if the
 * sink does not report store latency).
 */
record InfluxPoint(String line, long receivedAt) implements Serializable {
    long sizeInBytes() {
        return line.length() + 1L; // the newline; line protocol is ASCII but for tag and field values
    }

    /** The points a checkpoint holds (buffered, not yet accepted by InfluxDB). */
    static final class StateSerializer extends AsyncSinkWriterStateSerializer<InfluxPoint> {
        @Override
        protected void serializeRequestToStream(InfluxPoint point, DataOutputStream out) throws IOException {
            byte[] line = point.line().getBytes(StandardCharsets.UTF_8);
            out.writeInt(line.length);
            out.write(line);
            out.writeLong(point.receivedAt());
        }

        @Override
        protected InfluxPoint deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
            byte[] line = new byte[in.readInt()];
            in.readFully(line);
            return new InfluxPoint(new String(line, StandardCharsets.UTF_8), in.readLong());
        }

        @Override
        public int getVersion() {
            return 1;
        }
    }
}
