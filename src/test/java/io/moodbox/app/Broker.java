package io.moodbox.app;

import io.moodbox.testing.Required;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real Mosquitto broker for tests, on a free local port, with one user and no persistence (so
 * a restarted broker has forgotten every retained message, as a wiped one would), and a
 * subscriber that records what it is sent.
 */
final class Broker implements AutoCloseable {
    static final String USER = "moodbox-test", PASSWORD = "broker-pass-3";
    static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto"), PASSWD = Path.of("/usr/bin/mosquitto_passwd");

    final Path dir;
    final int port;
    /** A second listener with TLS (a certificate for 127.0.0.1 from a CA made here, {@code ca.pem}), or -1. */
    final int tlsPort;
    private Process process;

    Broker(Path dir) throws Exception { this(dir, false); }

    Broker(Path dir, boolean tls) throws Exception {
        Required.that(Files.isExecutable(MOSQUITTO) && Files.isExecutable(PASSWD),
                "the Mosquitto broker is needed to test Home Assistant's MQTT (apt-get install mosquitto mosquitto-clients)");
        this.dir = Files.createDirectories(dir);
        try (ServerSocket s = new ServerSocket(0); ServerSocket t = new ServerSocket(0)) {
            port = s.getLocalPort();
            tlsPort = tls ? t.getLocalPort() : -1;
        }
        Path passwd = dir.resolve("passwd");
        Process p = new ProcessBuilder(PASSWD.toString(), "-c", "-b", passwd.toString(), USER, PASSWORD).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) fail("mosquitto_passwd failed: " + new String(p.getInputStream().readAllBytes()));
        String tlsListener = "";
        if (tls) {
            certificates();
            tlsListener = "listener " + tlsPort + " 127.0.0.1\ncafile " + dir.resolve("ca.pem") + "\ncertfile " + dir.resolve("server.pem")
                    + "\nkeyfile " + dir.resolve("server.key") + "\n";
        }
        Files.writeString(dir.resolve("mosquitto.conf"), "per_listener_settings false\nlistener " + port + " 127.0.0.1\n" + tlsListener
                + "allow_anonymous false\npassword_file " + passwd + "\npersistence false\n"
                // Started as root, mosquitto would switch to its own user, who may not read this test's folder.
                + "user " + System.getProperty("user.name") + "\n");
        start();
    }

    String url() { return "tcp://127.0.0.1:" + port; }

    String tlsUrl() { return "ssl://127.0.0.1:" + tlsPort; }

    /** A CA and a server certificate for 127.0.0.1 signed by it, with openssl. */
    private void certificates() throws Exception {
        Required.that(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is needed to make the test broker's TLS certificate");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=moodbox test CA",
                "-keyout", "ca.key", "-out", "ca.pem");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", "san.ext", "-out", "server.pem");
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) fail("openssl " + String.join(" ", args) + ": " + out);
    }

    void start() throws Exception {
        process = new ProcessBuilder(MOSQUITTO.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!process.isAlive()) fail("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
                if (System.nanoTime() > deadline) fail("mosquitto did not listen on " + port);
                Thread.sleep(50);
            }
        }
    }

    /** The broker goes away: killed, so clients see the connection drop. */
    void stop() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) stop();
    }

    /** One message as a subscriber got it. */
    record Message(String topic, String payload, boolean retained) {}

    /** A paho subscriber to everything; {@link #last} keeps each topic's latest payload. */
    final class Subscriber implements AutoCloseable {
        final MqttClient client;
        final List<Message> all = new CopyOnWriteArrayList<>();
        final Map<String, String> last = new ConcurrentHashMap<>();

        Subscriber() throws MqttException {
            client = new MqttClient(url(), "test-subscriber-" + System.nanoTime(), new MemoryPersistence());
            client.setCallback(new MqttCallback() {
                @Override public void connectionLost(Throwable cause) { }

                @Override public void messageArrived(String topic, MqttMessage m) {
                    String p = new String(m.getPayload(), StandardCharsets.UTF_8);
                    all.add(new Message(topic, p, m.isRetained()));
                    last.put(topic, p);
                }

                @Override public void deliveryComplete(IMqttDeliveryToken token) { }
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setUserName(USER);
            o.setPassword(PASSWORD.toCharArray());
            o.setCleanSession(true);
            client.connect(o);
            client.subscribe("#", 1);
        }

        void publish(String topic, String payload) throws MqttException {
            client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        }

        void await(String what, Predicate<Map<String, String>> condition) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!condition.test(last)) {
                if (System.nanoTime() > deadline) fail("timed out waiting for " + what + "; the subscriber has " + last);
                Thread.sleep(20);
            }
        }

        @Override
        public void close() throws MqttException {
            if (client.isConnected()) client.disconnect(1000);
            client.close();
        }
    }
}
