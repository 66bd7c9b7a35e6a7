package io.vigil.sim;

/** Sends encoded readings for many devices over a few shared connections, without waiting for each answer. */
interface ReadingTransport extends AutoCloseable {
    /**
     * Hands one payload to the network and returns; {@code delivery} hears the outcome later. Blocks only while
     * the window of unanswered sends is full, which paces the sender to what the other side can take.
     */
    void send(SimulatedDevice device, byte[] payload, PayloadFormat format, Delivery delivery) throws InterruptedException;

    @Override
    void close();
}
