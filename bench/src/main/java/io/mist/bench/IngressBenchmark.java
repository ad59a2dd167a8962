package io.mist.bench;

import com.lmax.disruptor.RingBuffer;
import io.mist.codec.MistFrame;
import io.mist.codec.MistFrameParser;
import io.mist.engine.ingress.ClientIngress;
import io.mist.engine.ingress.RequestEncoder;
import io.mist.engine.ingress.RequestPolicy;
import io.mist.engine.RequestLimits;
import io.mist.engine.ring.InboundEvent;
import io.mist.engine.ring.InboundRing;
import io.mist.engine.ring.PayloadPool;
import io.mist.engine.EngineConfig;
import io.mist.engine.session.ClientSession;
import io.mist.engine.tag.TagTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;

/**
 * The IO thread's work after decoding: sort a publish's tags, look them up, encode the delivery once and publish it
 * into the inbound ring through the one claim-fill-publish path (a ring with no consumer gating it, so only the
 * producer side is measured, plus the slot's release the matcher does after handling: a 16 KiB payload borrows a pooled
 * array and gives it back).
 */
@State(Scope.Thread)
public class IngressBenchmark extends DataPathBenchmark
{
    /**
     * {@code delivery}: the publish was read in mist's output form and is copied as it is; {@code other}: its tags came
     * in another order, so it is encoded.
     */
    @org.openjdk.jmh.annotations.Param({ "delivery", "other" })
    public String form;

    /** Bytes of data: 64, or 16 KiB (beyond a slot's own array, so it borrows one from the payload pool). */
    @org.openjdk.jmh.annotations.Param({ "64", "16384" })
    public int size;

    /** Tags per publish: 1 (as the load harness publishes) or 3. */
    @org.openjdk.jmh.annotations.Param({ "1", "3" })
    public int tagCount;

    private final MistFrame frame = new MistFrame();
    private ClientIngress ingress;
    private RingBuffer<InboundEvent> ring;

    @Setup
    public void setUp() throws Exception
    {
        final TagTable tags = new TagTable();
        for (final String tag : new String[] { "orders", "eu-west", "priority" })
        {
            Workload.intern(tags, tag);
        }
        final PayloadPool payloads = new PayloadPool();
        // The server's wait strategy: a producer finds no parked matcher and wakes nothing.
        ring = RingBuffer.createMultiProducer(() -> new InboundEvent(payloads), 1024,
            new io.mist.engine.ring.ParkingWaitStrategy());
        final ClientSession session = Workload.clients(1)[0];
        ingress = new ClientIngress(new InboundRing(ring, new java.util.concurrent.atomic.AtomicLong(), payloads,
            EngineConfig.DEFAULT_INBOUND_BUFFER_SIZE, new java.util.concurrent.atomic.AtomicLong()), session,
            new RequestEncoder(tags, new RequestPolicy(RequestLimits.DEFAULTS, 1 << 20), false), true);
        final String order = tagCount == 1 ? "\"orders\"" : form.equals("delivery") ?
            "\"eu-west\",\"orders\",\"priority\"" : "\"priority\",\"orders\",\"eu-west\"";
        final byte[] json = ("{\"command\":\"publish\",\"tags\":[" + order + "],\"data\":\"" + "p".repeat(size) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
        new MistFrameParser().parse(json, json.length, frame);
    }

    @Benchmark
    public long dispatchPublish()
    {
        ingress.submit(frame);
        final long sequence = ring.getCursor();
        ring.get(sequence).release();
        return sequence;
    }
}
