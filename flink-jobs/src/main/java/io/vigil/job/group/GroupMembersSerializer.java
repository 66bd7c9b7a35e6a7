package io.vigil.job.group;

import io.vigil.job.state.Compact.StringsIn;
import io.vigil.job.state.Compact.StringsOut;
import io.vigil.job.state.CompactSerializer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link GroupMembers} in checkpoints: strings once per state (the rule, group and names repeat in every change).
 * Format version 1.
 */
public final class GroupMembersSerializer extends CompactSerializer<GroupMembers> {
    public static final GroupMembersSerializer INSTANCE = new GroupMembersSerializer();
    private static final long serialVersionUID = 1L;
    private static final byte VERSION = 1;

    private GroupMembersSerializer() {}

    @Override
    public GroupMembers createInstance() {
        return new GroupMembers();
    }

    @Override
    public void serialize(GroupMembers g, DataOutputView out) throws IOException {
        out.writeByte(VERSION);
        StringsOut strings = new StringsOut(out);
        out.writeInt(g.members.size());
        for (Map.Entry<String, long[]> m : g.members.entrySet()) {
            strings.write(m.getKey());
            out.writeLong(m.getValue()[0]);
            out.writeLong(m.getValue()[1]);
        }
        out.writeInt(g.pending.size());
        for (MemberChange c : g.pending) {
            writeChange(c, strings, out);
        }
        out.writeBoolean(g.last != null);
        if (g.last != null) {
            writeChange(g.last, strings, out);
        }
        strings.writeList(g.alarmed);
        out.writeLong(g.confirmClearAt);
        out.writeLong(g.now);
        out.writeLong(g.timer);
    }

    @Override
    public GroupMembers deserialize(DataInputView in) throws IOException {
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown group state version " + version);
        }
        GroupMembers g = new GroupMembers();
        StringsIn strings = new StringsIn(in);
        for (int i = in.readInt(); i > 0; i--) {
            g.members.put(strings.read(), new long[] {in.readLong(), in.readLong()});
        }
        for (int i = in.readInt(); i > 0; i--) {
            g.pending.add(readChange(strings, in));
        }
        if (in.readBoolean()) {
            g.last = readChange(strings, in);
        }
        List<String> alarmed = strings.readList();
        g.alarmed = alarmed == null ? null : List.copyOf(alarmed);
        g.confirmClearAt = in.readLong();
        g.now = in.readLong();
        g.timer = in.readLong();
        return g;
    }

    private static void writeChange(MemberChange c, StringsOut strings, DataOutputView out) throws IOException {
        strings.write(c.ruleId());
        strings.write(c.group());
        strings.write(c.site());
        strings.write(c.zone());
        strings.write(c.metric());
        strings.write(c.member());
        out.writeBoolean(c.anomalous());
        out.writeLong(c.eventTime());
        out.writeInt(c.atLeast());
        out.writeLong(c.withinMs());
        out.writeLong(c.clearForMs());
    }

    private static MemberChange readChange(StringsIn strings, DataInputView in) throws IOException {
        return new MemberChange(strings.read(), strings.read(), strings.read(), strings.read(), strings.read(),
                strings.read(), in.readBoolean(), in.readLong(), in.readInt(), in.readLong(), in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<GroupMembers> snapshotConfiguration() {
        return new Snapshot();
    }

    /** No configuration: the format is this class's; the version byte guards each state. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<GroupMembers> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
