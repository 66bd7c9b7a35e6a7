package io.vigil.job;

import io.vigil.common.incident.ControlMessage;
import io.vigil.common.incident.RulesUpdate;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** The rules documents among the control messages; whether one is valid is for the rules operators to say. */
final class RulesUpdates implements FlatMapFunction<ControlMessage, RulesUpdate> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(ControlMessage message, Collector<RulesUpdate> out) {
        if (message.type() == ControlMessage.Type.RULES && message.rules() != null) {
            out.collect(message.rules());
        }
    }
}
