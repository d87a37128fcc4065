import java.io.FileInputStream;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.HashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import cln.ApiClient;
import cln.api.NodeApi;
import cln.model.CreateinvoiceRequestLabel;
import cln.model.GetinfoResponse;
import cln.model.InvoiceRequest;
import cln.model.InvoiceRequestAmountMsat;
import cln.model.InvoiceResponse;
import cln.model.ListinvoicesRequest;
import cln.model.ListinvoicesResponse;
import cln.model.ListinvoicesResponseInvoicesInner;

/**
 * A user of the typed contract: the Java client openapi-generator made from openapi.yaml calls getinfo,
 * invoice and listinvoices, and prints typed fields as one JSON line.
 * Args: host port ca.pem rune label
 */
public class ClientMain {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String rune = args[3];
        String label = args[4];
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (FileInputStream in = new FileInputStream(args[2])) {
            trust.setCertificateEntry("clnrest-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);

        ApiClient client = new ApiClient();
        client.setHttpClientBuilder(HttpClient.newBuilder().sslContext(tls));
        client.setScheme("https").setHost(host).setPort(port);
        client.setRequestInterceptor(b -> b.header("Rune", rune));
        NodeApi node = new NodeApi(client);

        GetinfoResponse info = node.getinfo(new HashMap<String, Object>());
        InvoiceResponse invoice = node.invoice(new InvoiceRequest()
                .amountMsat(new InvoiceRequestAmountMsat(4242))
                .label(new CreateinvoiceRequestLabel(label))
                .description("from the generated client"));
        ListinvoicesResponse listed = node.listinvoices(new ListinvoicesRequest().label(new CreateinvoiceRequestLabel(label)));
        ListinvoicesResponseInvoicesInner first = listed.getInvoices().get(0);
        long numPeers = info.getNumPeers();
        long amount = first.getAmountMsat();
        System.out.println("{\"id\":\"" + info.getId() + "\",\"num_peers\":" + numPeers
                + ",\"blockheight\":" + info.getBlockheight() + ",\"bolt11\":\"" + invoice.getBolt11()
                + "\",\"payment_hash\":\"" + invoice.getPaymentHash() + "\",\"listed\":" + listed.getInvoices().size()
                + ",\"label\":\"" + first.getLabel() + "\",\"amount_msat\":" + amount + ",\"status\":\"" + first.getStatus().getValue() + "\"}");
    }
}
