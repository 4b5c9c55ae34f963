// Every Messages API operation of the official Node SDK, unmodified, against the emulator.
// Usage: MM_BASE_URL=http://127.0.0.1:PORT MM_KEY=... MM_SECRET=... MM_HMAC=0|1 node sdk_operations.js
// Prints one JSON line with what it saw; exits non-zero on the first failed expectation.
'use strict';

const assert = require('assert');
const http = require('http');
const lib = require('messagemedia-messages-sdk');
// The SDK formats date-times with moment (its own dependency): `scheduled` must be a moment.
const moment = require('moment');

const baseUrl = process.env.MM_BASE_URL;
lib.Configuration.BASEURI = baseUrl;
if (process.env.MM_HMAC === '1') {
  lib.Configuration.hmacAuthUserName = process.env.MM_KEY;
  lib.Configuration.hmacAuthPassword = process.env.MM_SECRET;
} else {
  lib.Configuration.basicAuthUserName = process.env.MM_KEY;
  lib.Configuration.basicAuthPassword = process.env.MM_SECRET;
}

// The control plane is not part of the SDK: plain HTTP moves time and plays the handset.
function control(path, body) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const request = http.request(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
    }, (response) => {
      let text = '';
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end(data);
  });
}

function message(fields) {
  const built = new lib.Message();
  Object.assign(built, fields);
  return built;
}

async function main() {
  const seen = {};
  const messages = lib.MessagesController;

  const send = new lib.SendMessagesRequest();
  send.messages = [message({
    content: 'Hello from Node', destinationNumber: '+61491570156',
    sourceNumber: '+61491570157', deliveryReport: true, metadata: { sdk: 'node' },
  })];
  const sent = await messages.sendMessages(send);
  const messageId = sent.messages[0].messageId;
  assert.strictEqual(sent.messages[0].status, 'queued');
  seen.sent = messageId;

  const status = await messages.getMessageStatus(messageId);
  assert.strictEqual(status.status, 'queued');
  assert.deepStrictEqual(status.metadata, { sdk: 'node' });

  const later = new lib.SendMessagesRequest();
  later.messages = [message({
    content: 'Later', destinationNumber: '+61491570156', scheduled: moment.utc('2099-01-01T00:00:00Z'),
  })];
  const scheduled = (await messages.sendMessages(later)).messages[0].messageId;
  assert.strictEqual((await messages.getMessageStatus(scheduled)).status, 'scheduled');
  const cancel = new lib.CancelScheduledMessageRequest();
  cancel.status = 'cancelled';
  await messages.cancelScheduledMessage(scheduled, cancel);
  assert.strictEqual((await messages.getMessageStatus(scheduled)).status, 'cancelled');
  seen.cancelled = scheduled;

  assert.strictEqual((await control('/_emulator/clock/advance', { seconds: 10 })).status, 200);
  assert.strictEqual((await messages.getMessageStatus(messageId)).status, 'delivered');

  const reports = await lib.DeliveryReportsController.checkDeliveryReports();
  const statuses = reports.deliveryReports.map((report) => report.status);
  assert.deepStrictEqual(statuses, ['enroute', 'submitted', 'delivered']);
  const confirmReports = new lib.ConfirmDeliveryReportsAsReceivedRequest();
  confirmReports.deliveryReportIds = reports.deliveryReports.map((r) => r.deliveryReportId);
  await lib.DeliveryReportsController.confirmDeliveryReportsAsReceived(confirmReports);
  assert.strictEqual((await lib.DeliveryReportsController.checkDeliveryReports())
    .deliveryReports.length, 0);
  seen.reports = statuses;

  const replied = await control('/_emulator/replies', {
    source_number: '+61491570156', content: 'Hi Node', message_id: messageId,
  });
  assert.strictEqual(replied.status, 201);
  const replies = await lib.RepliesController.checkReplies();
  assert.strictEqual(replies.replies.length, 1);
  assert.strictEqual(replies.replies[0].content, 'Hi Node');
  assert.strictEqual(replies.replies[0].destinationNumber, '+61491570157');
  const confirmReplies = new lib.ConfirmRepliesAsReceivedRequest();
  confirmReplies.replyIds = [replies.replies[0].replyId];
  await lib.RepliesController.confirmRepliesAsReceived(confirmReplies);
  assert.strictEqual((await lib.RepliesController.checkReplies()).replies.length, 0);
  seen.reply = replies.replies[0].replyId;

  process.stdout.write(`${JSON.stringify(seen)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : JSON.stringify(error)}\n`);
  process.exit(1);
});
