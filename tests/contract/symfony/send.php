<?php
// Sends one SMS with Symfony Notifier's MessageMedia transport, as an application configures it:
// a DSN, and an HTTP client trusting the emulator's certificate (`cafile`).
// Usage: php send.php DSN CAFILE PHONE CONTENT
// Prints one JSON object: {"message_id": ...} or {"exception": ..., "message": ..., "status": ...}.

require_once '/usr/share/php/Symfony/Component/Notifier/Bridge/MessageMedia/autoload.php';

use Symfony\Component\HttpClient\HttpClient;
use Symfony\Component\Notifier\Bridge\MessageMedia\MessageMediaTransportFactory;
use Symfony\Component\Notifier\Exception\TransportException;
use Symfony\Component\Notifier\Message\SmsMessage;
use Symfony\Component\Notifier\Transport\Dsn;

[, $dsn, $cafile, $phone, $content] = $argv;

$client = HttpClient::create(['cafile' => $cafile]);
$transport = (new MessageMediaTransportFactory(null, $client))->create(new Dsn($dsn));

try {
    $sent = $transport->send(new SmsMessage($phone, $content));
    echo json_encode(['message_id' => $sent->getMessageId(), 'transport' => (string) $transport]);
} catch (TransportException $exception) {
    echo json_encode([
        'exception' => get_class($exception),
        'message' => $exception->getMessage(),
        'status' => $exception->getResponse()->getStatusCode(),
    ]);
}
echo "\n";
