# Bilingual course content: (English, Simplified Chinese) pairs.
# Each lesson: id, name, minutes, html (en, zh), questions [(q, [(answer, correct, comment)])]

def P(*paras):
    return ''.join(paras)

COURSES = [
 {
  'id': 'course_farewell', 'seq': 10,
  'name': ("Farewell Communication", "告别沟通"),
  'desc': ("How to tell a customer that the service ends: with empathy, without taboo phrases, with a neutral reason and a plan.",
           "如何告诉客户服务即将结束：带着共情，避开禁忌用语，给出中性的理由和可行的安排。"),
  'lessons': [
   {'id': 'farewell_empathy', 'name': ("Empathy first", "先共情"), 'minutes': 15,
    'html': (
"""<h3>Why empathy comes first</h3>
<p>Most customers lost at a closure are lost through poor communication, not through the product. A customer who hears "we are closing" first thinks about what it means for them: their routine, their data, their money. If your first sentence ignores that, nothing you say afterwards is heard.</p>
<h4>The three-step soothing script</h4>
<ol>
<li><strong>Empathy</strong>: name the disruption before you explain anything. "We understand this disrupts your routine, and we are sorry for the inconvenience."</li>
<li><strong>Solution</strong>: give something concrete: three nearby alternatives, a free trial there, a prorated refund of the unused membership, a data export.</li>
<li><strong>Keep in touch</strong>: a small parting gift or guide, and a named contact for questions.</li>
</ol>
<h4>What empathy is not</h4>
<p>Empathy is not agreeing that the customer is right about everything, and not promising what the company cannot deliver. It is showing that you see their situation. Keep your own feelings about the closure out of the conversation: the customer needs your calm.</p>""",
"""<h3>为什么先共情</h3>
<p>企业注销时流失的客户，大多不是因为产品，而是因为沟通不当。客户听到"我们要停止服务了"，首先想到的是这对自己意味着什么：日常安排、数据、钱。如果您的第一句话忽略了这些，之后说什么客户都听不进去。</p>
<h4>三步安抚话术</h4>
<ol>
<li><strong>共情</strong>：在解释任何事情之前，先说出给客户带来的不便。"我们理解这会打乱您的日常安排，给您带来不便，非常抱歉。"</li>
<li><strong>方案</strong>：给出具体的东西：附近的三家替代机构、那里的免费体验、按比例退还未使用的会员费、数据导出。</li>
<li><strong>保持联系</strong>：一份小小的告别礼物或指南，以及一位有名有姓的联系人。</li>
</ol>
<h4>共情不是什么</h4>
<p>共情不是事事附和客户，也不是承诺公司做不到的事，而是让客户感到您看到了他的处境。不要把您自己对注销的情绪带进对话：客户需要的是您的冷静。</p>"""),
    'questions': [
     (("What comes first when you tell a customer the service ends?", "告诉客户服务即将结束时，第一步是什么？"), [
       (("Acknowledge how the change affects the customer", "说出这一变化给客户带来的影响"), True, ("Right: empathy opens the conversation.", "正确：以共情开启对话。")),
       (("Explain the company's financial situation", "解释公司的财务状况"), False, ("The customer needs to feel heard first; finances are not their concern.", "客户首先需要被倾听；公司财务不是客户关心的。")),
       (("Offer a discount on a new product", "推荐新产品的折扣"), False, ("Upselling at a closure destroys trust.", "注销时推销会摧毁信任。")),
     ]),
     (("Which are the three steps of the soothing script?", "三步安抚话术是哪三步？"), [
       (("Empathy, solution, keep in touch", "共情、方案、保持联系"), True, ("Right.", "正确。")),
       (("Apology, discount, goodbye", "道歉、打折、告别"), False, ("A discount is not a solution for a service that ends.", "对于即将结束的服务，打折不是解决方案。")),
       (("Explain, insist, close", "解释、坚持、结束"), False, ("This leaves the customer alone with the problem.", "这会让客户独自面对问题。")),
     ]),
    ]},
   {'id': 'farewell_taboo', 'name': ("The taboo list", "禁忌用语清单"), 'minutes': 10,
    'html': (
"""<h3>Words that turn a closure into a crisis</h3>
<p>Some words make customers fear the worst and spread complaints faster than any praise. Never use them, in speech or in writing:</p>
<ul>
<li>"The company collapsed", "went under", "is bankrupt", "we stopped business": alarming and often legally wrong while the liquidation is running.</li>
<li>"Nothing we can do", "not our problem", "no refunds": closes the door on a customer who is a creditor with rights.</li>
<li>"You will get priority in our next product": an over-promise when no next product exists.</li>
<li>"Calm down": tells an angry customer that their feeling is the problem.</li>
</ul>
<h4>What to say instead</h4>
<p>Replace each taboo phrase with a neutral statement and an action: "Because of a strategic adjustment we will end this service; we have arranged an alternative for you." "Let me check what we can do for you and call you back within 24 hours."</p>
<p>The reply coach in your daily practice checks your written answers against this list.</p>""",
"""<h3>让注销变成危机的词语</h3>
<p>有些词会让客户往最坏处想，投诉传播得比任何好评都快。无论口头还是书面，都不要使用：</p>
<ul>
<li>"公司倒闭了"、"垮了"、"破产了"、"我们不干了"：令人恐慌，而且在清算期间往往在法律上并不准确。</li>
<li>"没办法"、"不关我们的事"、"不退款"：对一位享有债权的客户关上了大门。</li>
<li>"您在我们的下一个产品中享有优先权"：在并没有下一个产品时，这是过度承诺。</li>
<li>"您冷静一下"：等于告诉愤怒的客户，问题出在他的情绪上。</li>
</ul>
<h4>应该怎么说</h4>
<p>把每一句禁忌用语换成中性的陈述加一个行动："因战略调整，我们将结束这项服务，并已为您安排了替代方案。""我先核实一下我们能为您做什么，24小时内给您回电。"</p>
<p>每日练习中的回复教练会根据这份清单检查您的书面回答。</p>"""),
    'questions': [
     (("Which sentence is on the taboo list?", "哪一句属于禁忌用语？"), [
       (("\"The company went bankrupt.\"", "\"公司破产了。\""), True, ("Right: alarming, and usually wrong during liquidation.", "正确：令人恐慌，而且清算期间通常并不准确。")),
       (("\"We have arranged an alternative for you.\"", "\"我们已为您安排了替代方案。\""), False, ("This is the recommended wording.", "这是推荐的说法。")),
       (("\"I will call you back within 24 hours.\"", "\"我会在24小时内给您回电。\""), False, ("A concrete next step is good practice.", "给出具体的下一步是好的做法。")),
     ]),
    ]},
   {'id': 'farewell_reason', 'name': ("Neutral reasons", "中性的理由"), 'minutes': 10,
    'html': (
"""<h3>One reason, said the same way by everyone</h3>
<p>Every notice and every call gives the same neutral reason, the one written in the closure plan: "Because of a strategic adjustment, we will end this service. We have arranged an alternative for you." It is true, it does not alarm, and it leads straight to what matters to the customer: the alternative.</p>
<h4>Five things every customer is told</h4>
<ol>
<li>Why, in the neutral reason.</li>
<li>When the service ends (the date in the plan).</li>
<li>What happens to their data: the export channel and the deletion date.</li>
<li>What replaces the service, and how unused prepaid value is refunded.</li>
<li>Whom to contact: a named person for A and B customers, the hotline for the others.</li>
</ol>
<p>Do not improvise other reasons ("the owner is tired", "the market is dead"): rumours travel, and contradictions make customers distrust everything else you said.</p>""",
"""<h3>一个理由，所有人同样的说法</h3>
<p>每一份通知、每一通电话都给出同一个中性的理由，也就是注销计划中写明的那句："因战略调整，我们将结束这项服务，并已为您安排了替代方案。"这句话真实、不令人恐慌，并且直接引向客户最关心的内容：替代方案。</p>
<h4>每位客户都要被告知的五件事</h4>
<ol>
<li>原因：用中性的理由说明。</li>
<li>服务何时结束（计划中的日期）。</li>
<li>数据如何处理：导出渠道和删除日期。</li>
<li>由什么替代现有服务，未使用的预付款如何退还。</li>
<li>联系谁：A类和B类客户有专人对接，其他客户拨打热线。</li>
</ol>
<p>不要临场编造其他理由（"老板累了"、"市场不行了"）：流言传得很快，前后矛盾会让客户对您说的一切都失去信任。</p>"""),
    'questions': [
     (("What must every notice tell the customer about their data?", "每份通知必须告诉客户关于其数据的哪些信息？"), [
       (("The export channel and the deletion date", "导出渠道和删除日期"), True, ("Right: transparency about data is a minimum.", "正确：数据透明是最低要求。")),
       (("Nothing, data is an internal matter", "什么都不用说，数据是内部事务"), False, ("Customers have the right to know and to export their data.", "客户有权知情并导出自己的数据。")),
       (("That the data is deleted today", "数据今天就删除"), False, ("Data is exported on request first and erased on a set date.", "数据应先按请求导出，并在确定的日期删除。")),
     ]),
    ]},
  ]},
 {
  'id': 'course_legacy', 'seq': 20,
  'name': ("Legacy Issues: Data, After-sales, Refunds", "遗留问题：数据、售后与退款"),
  'desc': ("What stays with the customer after the service ends: their data, the after-sales promises and the unused prepaid value.",
           "服务结束后仍与客户相关的事项：他们的数据、售后承诺以及未使用的预付款。"),
  'lessons': [
   {'id': 'legacy_data', 'name': ("Data migration and export", "数据迁移与导出"), 'minutes': 15,
    'html': (
"""<h3>The customer's data belongs to the customer's decisions</h3>
<p>Every customer may access and copy their data and ask for it to be moved to another provider (PIPL Art. 45, GDPR Art. 20). During a closure this becomes urgent, so the plan opens an <strong>export channel</strong> until the export deadline and sets an <strong>erasure date</strong> after it.</p>
<h4>How to handle an export request</h4>
<ol>
<li>Confirm the identity of the requester, and that they speak for the customer.</li>
<li>Export in a machine-readable format (spreadsheet, CSV) and record the date of the export on the case.</li>
<li>If the customer wants the data sent to a receiving partner, use the data-migration consent form: only the data they tick is sent.</li>
</ol>
<h4>Erasure</h4>
<p>On the erasure date the personal data is deleted. Accounting records the law requires to keep (invoices, vouchers) are not deleted: the person is anonymised and the posted records stay.</p>""",
"""<h3>客户的数据由客户决定</h3>
<p>每位客户都有权查阅、复制自己的数据，并要求转移给其他服务商（《个人信息保护法》第四十五条，GDPR第二十条）。在注销期间这一点尤为紧迫，因此计划会开放<strong>导出渠道</strong>直至导出截止日，并在其后设定<strong>删除日期</strong>。</p>
<h4>如何处理导出请求</h4>
<ol>
<li>确认请求人的身份，以及其有权代表客户。</li>
<li>以机器可读的格式（表格、CSV）导出，并在客户档案中记录导出日期。</li>
<li>如果客户希望将数据发送给接收方，使用数据迁移同意书：只发送客户勾选的数据。</li>
</ol>
<h4>删除</h4>
<p>到删除日期时，个人数据将被删除。法律要求保存的会计记录（发票、凭证）不删除：对个人进行匿名化处理，已入账的记录保留。</p>"""),
    'questions': [
     (("A customer asks for their data. What do you send?", "客户要求获取自己的数据，您发送什么？"), [
       (("A machine-readable export, after checking who asks", "核实请求人身份后，发送机器可读的导出文件"), True, ("Right.", "正确。")),
       (("A screenshot of their account", "账户截图"), False, ("A screenshot is not portable data.", "截图不是可携带的数据。")),
       (("Nothing until the company is closed", "在公司注销前什么都不发"), False, ("The customer has a right to their data now.", "客户现在就有权获取自己的数据。")),
     ]),
    ]},
   {'id': 'legacy_aftersales', 'name': ("After-sales responsibility", "售后责任"), 'minutes': 10,
    'html': (
"""<h3>Promises already made are still owed</h3>
<p>Warranties, maintenance contracts and unfinished project milestones do not disappear with the closure decision. For each customer, the case lists its open obligations: prepaid balances, deposits, milestones, data held.</p>
<ul>
<li><strong>Deliver</strong> what can still be delivered before the service end date.</li>
<li><strong>Transfer</strong> what a receiving partner can take over, with the customer's consent and terms at least as good.</li>
<li><strong>Settle</strong> what can be neither delivered nor transferred: a refund or a documented agreement with the customer.</li>
</ul>
<p>Never tell a customer that a warranty "no longer exists". Say what will happen to it and by when, and record it on the case so that your successor and the liquidation group can see it.</p>""",
"""<h3>已经作出的承诺仍然有效</h3>
<p>保修、维护合同以及未完成的项目里程碑，并不会随着注销决定而消失。每位客户的档案都列出了其未了结的义务：预付余额、押金、里程碑、所持有的数据。</p>
<ul>
<li><strong>交付</strong>：在服务结束日期前仍能交付的，按时交付。</li>
<li><strong>转移</strong>：接收方能够接手的，在客户同意且条件不低于原条款的前提下转移。</li>
<li><strong>结清</strong>：既不能交付也不能转移的，退款或与客户签订书面协议。</li>
</ul>
<p>永远不要告诉客户保修"已经不存在了"。要说明保修将如何处理、何时处理，并记录在客户档案中，让您的继任者和清算组都能看到。</p>"""),
    'questions': [
     (("A milestone cannot be delivered before the service ends and no partner can take it. What now?", "某个里程碑在服务结束前无法交付，也没有接收方可以接手，怎么办？"), [
       (("Settle it: refund or a documented agreement", "结清：退款或签订书面协议"), True, ("Right.", "正确。")),
       (("Tell the customer the contract ends with the company", "告诉客户合同随公司一起终止"), False, ("The obligation stays; the customer is a creditor.", "义务仍然存在；客户是债权人。")),
       (("Ignore it, the liquidation group will handle it", "忽略，清算组会处理"), False, ("Record it on the case so the liquidation group knows.", "要记录在档案中，让清算组知晓。")),
     ]),
    ]},
   {'id': 'legacy_refund', 'name': ("Refunds of unused service", "未使用服务的退款"), 'minutes': 15,
    'html': (
"""<h3>Prepaid value is the customer's money</h3>
<p>A business that takes prepayments and decides to close must tell its customers in advance (commonly at least 30 days) and either keep serving them or refund the unused balance. Under many provincial model contracts a refund is paid within 15 days of the request.</p>
<h4>Step by step</h4>
<ol>
<li>Look up the prepaid balance on the case, and explain how it was computed (prorated by unused time or unused sessions).</li>
<li>Record the date of the refund request: the system computes the due date.</li>
<li>If the company is in liquidation, refunds of declared claims are not paid before the claims declaration period ends. Explain the date, never say "no refund".</li>
</ol>
<p>When the contract does not mention refunds, the law on prepaid consumption still applies: do not use the contract's silence as a reason to refuse.</p>""",
"""<h3>预付款是客户的钱</h3>
<p>收取预付款的经营者决定注销或迁址时，必须提前告知客户（通常至少30天），并继续提供服务或退还未使用的余额。根据许多省份的示范合同，退款应在客户申请后15日内支付。</p>
<h4>操作步骤</h4>
<ol>
<li>在客户档案中查看预付余额，并说明计算方式（按未使用的时间或次数折算）。</li>
<li>记录客户提出退款申请的日期：系统会计算退款到期日。</li>
<li>如果公司处于清算中，已申报债权的退款在债权申报期结束前不予支付。要说明具体日期，永远不要说"不退款"。</li>
</ol>
<p>即使合同没有提到退款，预付式消费的相关规定依然适用：不要以合同未约定为由拒绝退款。</p>"""),
    'questions': [
     (("The contract says nothing about refunds. The customer has 8 unused sessions. What do you answer?", "合同没有提到退款，客户还有8次未使用的课程，您怎么回答？"), [
       (("The unused balance is refunded, prorated; here is when", "未使用的余额按比例退还，并告知具体时间"), True, ("Right: the prepaid rules apply whatever the contract says.", "正确：无论合同如何约定，预付式消费规定都适用。")),
       (("No refund, the contract does not provide for it", "不退款，合同没有约定"), False, ("Taboo and wrong: the customer is a creditor.", "禁忌且错误：客户是债权人。")),
       (("Offer a voucher for a future product", "提供未来产品的代金券"), False, ("An over-promise if no future product is certain.", "如果未来产品并不确定，这就是过度承诺。")),
     ]),
    ]},
  ]},
 {
  'id': 'course_transfer', 'seq': 30,
  'name': ("The Transfer Procedure", "客户转移流程"),
  'desc': ("Handing a customer to a capable partner: the three-way introduction, the customer's consent, the hand-over package.",
           "把客户交给有能力的合作伙伴：三方引荐、客户同意、交接资料包。"),
  'lessons': [
   {'id': 'transfer_intro', 'name': ("The three-way introduction", "三方引荐"), 'minutes': 15,
    'html': (
"""<h3>Customer, receiver and you, in one meeting</h3>
<p>A transfer is not a forwarded e-mail. The customer, the receiving partner and the closing company meet (call, video or in person) so that the customer can ask questions and judge the receiver.</p>
<h4>Choosing whom to propose</h4>
<ul>
<li>Match on what the customer needs: industry, region, services, size.</li>
<li>Respect each receiver's capacity, and prefer receivers that took similar customers well before.</li>
<li>For B2B customers, propose up to three receivers of equal capability and record the customer's core process dependencies, open milestones and replacement needs first.</li>
</ul>
<h4>During the meeting</h4>
<p>Introduce the receiver by name and contact details, say what you will hand over if the customer agrees, and what the receiver commits to. End with the next step and its date.</p>""",
"""<h3>客户、接收方和您，同场会面</h3>
<p>客户转移不是转发一封邮件。客户、接收方和注销企业三方会面（电话、视频或当面），让客户可以提问并对接收方作出判断。</p>
<h4>推荐谁</h4>
<ul>
<li>按客户的需要匹配：行业、地区、服务内容、规模。</li>
<li>尊重每家接收方的承接能力，优先选择以往妥善承接过类似客户的接收方。</li>
<li>对B2B客户，推荐最多三家能力相当的接收方，并事先记录客户的核心业务依赖、未完成的里程碑和替代需求。</li>
</ul>
<h4>会面中</h4>
<p>介绍接收方的名称和联系方式，说明在客户同意后将交接哪些内容、接收方承诺什么。最后说明下一步及其日期。</p>"""),
    'questions': [
     (("How many receivers do you propose to a B2B customer?", "您向一位B2B客户推荐几家接收方？"), [
       (("Up to three of equal capability", "最多三家能力相当的"), True, ("Right: the customer chooses.", "正确：由客户选择。")),
       (("Exactly one, the one paying the highest referral fee", "只推荐一家，推荐费最高的那家"), False, ("The customer's needs decide, not the fee.", "决定因素是客户的需要，而不是推荐费。")),
       (("As many as possible", "越多越好"), False, ("Too many options confuse; match on needs.", "选项太多会让客户困惑；应按需要匹配。")),
     ]),
    ]},
   {'id': 'transfer_consent', 'name': ("Consent: the customer decides", "同意：由客户决定"), 'minutes': 10,
    'html': (
"""<h3>Accept, choose another, or decline</h3>
<p>The customer has three answers and each is respected: accept the proposed receiver, pick another one, or decline. If the customer declines, <strong>no data goes to any receiver</strong>.</p>
<h4>Record the answer</h4>
<ul>
<li>Record the customer's answer on the case, with the date and the channel (signed form, e-mail, recorded call).</li>
<li>Record which data the customer consented to hand over: contacts, contract history, open issues. Nothing else is sent.</li>
<li>The transfer notice always names the receiver and its contact details (PIPL Art. 22).</li>
</ul>
<p>Never push: a customer who feels pushed will complain, and a transfer without real consent exposes the company and you.</p>""",
"""<h3>接受、另选或拒绝</h3>
<p>客户有三种答复，每一种都要尊重：接受推荐的接收方、另选一家，或者拒绝。如果客户拒绝，<strong>任何数据都不会交给任何接收方</strong>。</p>
<h4>记录答复</h4>
<ul>
<li>在客户档案中记录客户的答复、日期和方式（签字表格、电子邮件、通话录音）。</li>
<li>记录客户同意移交的数据：联系人、合同历史、未决问题。其他数据一律不发送。</li>
<li>转移通知必须写明接收方的名称和联系方式（《个人信息保护法》第二十二条）。</li>
</ul>
<p>绝不强推：感到被强迫的客户会投诉，而没有真实同意的转移会让公司和您本人承担风险。</p>"""),
    'questions': [
     (("The customer declines every receiver. What happens to their data?", "客户拒绝了所有接收方，其数据怎么处理？"), [
       (("Nothing is handed over to any receiver", "不向任何接收方移交任何数据"), True, ("Right.", "正确。")),
       (("It goes to the best-matching receiver anyway", "仍然交给最匹配的接收方"), False, ("Never without consent.", "没有同意绝不移交。")),
       (("Only the contact details are sent", "只发送联系方式"), False, ("Contact details are personal data too.", "联系方式也是个人信息。")),
     ]),
    ]},
   {'id': 'transfer_handover', 'name': ("The hand-over package", "交接资料包"), 'minutes': 10,
    'html': (
"""<h3>One package, exactly what was agreed</h3>
<p>Once the customer has accepted, prepare the hand-over package: the data the customer consented to, the open obligations the receiver takes over, and the contact people on both sides.</p>
<ol>
<li>Check the package against the consent record: remove anything not ticked.</li>
<li>Send it through the agreed secure channel, not as an open attachment.</li>
<li>Confirm the hand-over in the system: it records who handed what to whom and when.</li>
<li>Follow up with the customer after the first contact with the receiver.</li>
</ol>
<p>Only certified staff may confirm a hand-over when the plan's gate is on: the confirmation is what makes the company answerable for the transfer.</p>""",
"""<h3>一个资料包，严格按约定</h3>
<p>客户接受后，准备交接资料包：客户同意移交的数据、接收方接手的未了结义务，以及双方的联系人。</p>
<ol>
<li>对照同意记录检查资料包：删去所有未勾选的内容。</li>
<li>通过约定的安全渠道发送，不要作为普通附件发送。</li>
<li>在系统中确认交接：系统会记录谁在何时把什么交给了谁。</li>
<li>在客户与接收方首次接触后，回访客户。</li>
</ol>
<p>当计划开启了认证门槛时，只有通过认证的员工才能确认交接：确认意味着公司要为这次转移负责。</p>"""),
    'questions': [
     (("Before sending the package, you check it against...", "发送资料包前，您要对照什么进行检查？"), [
       (("The customer's consent record", "客户的同意记录"), True, ("Right.", "正确。")),
       (("The receiver's wish list", "接收方想要的清单"), False, ("The receiver gets only what the customer agreed to.", "接收方只能得到客户同意的内容。")),
       (("Nothing, send the full file", "不用检查，发送完整档案"), False, ("That would leak data without consent.", "那会在未经同意的情况下泄露数据。")),
     ]),
    ]},
  ]},
 {
  'id': 'course_legal', 'seq': 40,
  'name': ("Legal Red Lines", "法律红线"),
  'desc': ("What may be promised, which data may be touched, and the deadlines the law sets for a closure (PRC Company Law, PIPL).",
           "可以承诺什么、可以动哪些数据，以及法律为注销设定的期限（《公司法》《个人信息保护法》）。"),
  'lessons': [
   {'id': 'legal_promise', 'name': ("What may be promised", "可以承诺什么"), 'minutes': 15,
    'html': (
"""<h3>Promise only what the closing company can deliver</h3>
<p>Over-promising is the most common legal mistake of a closure. A promise made by an employee binds the company, and the liquidation group may be unable to honour it.</p>
<h4>You may promise</h4>
<ul>
<li>The dates in the plan: service end, export deadline, erasure date.</li>
<li>A refund of unused prepaid value, with the date rules of the plan.</li>
<li>A three-way introduction to a receiving partner.</li>
</ul>
<h4>You may not promise</h4>
<ul>
<li>"Priority in our next product" when there is no such product.</li>
<li>That a receiver will keep the same price, unless the receiver committed to it in writing.</li>
<li>Payment of a claim before the claims declaration period ends.</li>
</ul>
<p>When unsure, say: "I will check this and come back to you by [date]." and ask your manager.</p>""",
"""<h3>只承诺注销企业能够做到的事</h3>
<p>过度承诺是注销中最常见的法律错误。员工作出的承诺对公司有约束力，而清算组可能无法兑现。</p>
<h4>可以承诺的</h4>
<ul>
<li>计划中的日期：服务结束日、导出截止日、删除日期。</li>
<li>按计划的日期规则退还未使用的预付款。</li>
<li>与接收方的三方引荐。</li>
</ul>
<h4>不可以承诺的</h4>
<ul>
<li>在并不存在的情况下，承诺"在我们的下一个产品中享有优先权"。</li>
<li>接收方将维持同样的价格，除非接收方已书面承诺。</li>
<li>在债权申报期结束前支付债权。</li>
</ul>
<p>不确定时，就说："我核实一下，在[日期]前给您答复。"并请示您的经理。</p>"""),
    'questions': [
     (("Which promise may you make?", "以下哪项承诺是可以作出的？"), [
       (("The service end date written in the plan", "计划中写明的服务结束日期"), True, ("Right.", "正确。")),
       (("Priority access to the founders' next company", "在创始人下一家公司中享有优先权"), False, ("Only if such an offer really exists and is approved.", "只有在确实存在并经批准时才可以。")),
       (("The receiver will keep your current price", "接收方会维持您现在的价格"), False, ("Only with the receiver's written commitment.", "只有在接收方书面承诺后才可以。")),
     ]),
    ]},
   {'id': 'legal_data', 'name': ("Which data may be touched", "可以动哪些数据"), 'minutes': 15,
    'html': (
"""<h3>Personal data is used for its purpose, and no further</h3>
<ul>
<li><strong>Read</strong> a customer's data to serve them: notices, refunds, exports, their transfer.</li>
<li><strong>Hand over</strong> only the data the customer consented to, to the receiver they chose.</li>
<li><strong>Do not copy</strong> customer lists to personal devices, private e-mail or messaging apps, not even "to stay in touch".</li>
<li><strong>Do not delete</strong> in bulk before the erasure date: the customer may still ask for an export, and accounting records must be kept.</li>
</ul>
<p>Departing staff take no customer data with them. Using a former employer's customer list for a new business is a data leak, whatever the intention.</p>""",
"""<h3>个人信息只用于其目的，不作他用</h3>
<ul>
<li><strong>查阅</strong>：为服务客户而查阅其数据：通知、退款、导出、转移。</li>
<li><strong>移交</strong>：只把客户同意的数据交给客户选定的接收方。</li>
<li><strong>不得复制</strong>：不得把客户名单复制到个人设备、私人邮箱或聊天软件中，即使是"为了保持联系"。</li>
<li><strong>不得提前删除</strong>：删除日期前不得批量删除：客户仍可能要求导出，会计记录也必须保留。</li>
</ul>
<p>离职员工不得带走任何客户数据。把前雇主的客户名单用于新业务就是数据泄露，无论初衷如何。</p>"""),
    'questions': [
     (("A colleague wants to export the customer list to their phone to keep in touch after the closure. Is that allowed?", "一位同事想把客户名单导出到自己手机上，以便注销后保持联系。可以吗？"), [
       (("No, that is a data leak", "不可以，这是数据泄露"), True, ("Right.", "正确。")),
       (("Yes, if the customers liked them", "可以，只要客户喜欢他"), False, ("Consent is needed for every new purpose.", "任何新的用途都需要同意。")),
       (("Yes, after the service end date", "可以，在服务结束日之后"), False, ("The date changes nothing.", "日期改变不了性质。")),
     ]),
    ]},
   {'id': 'legal_pipl', 'name': ("PIPL Art. 22 and the deadlines", "《个人信息保护法》第二十二条与法定期限"), 'minutes': 15,
    'html': (
"""<h3>When personal information moves because of a dissolution</h3>
<p>Article 22 of the Personal Information Protection Law: when personal information is transferred because of a merger, division, dissolution or bankruptcy, the individual must be told the <strong>name and contact details of the recipient</strong>. The recipient takes over the obligations and needs new consent to change the purpose or the method of processing.</p>
<h4>The deadlines of the plan (China's defaults)</h4>
<ul>
<li>Liquidation group formed within 15 days of the decision.</li>
<li>Known creditors notified within 10 days of its formation; public announcement within 60 days.</li>
<li>Creditors declare claims within 30 days of the notice, or 45 days of the announcement without one.</li>
<li>Prepaid customers are told at least 30 days before the service ends; refunds within 15 days of a request.</li>
</ul>
<p>These dates are settings of the plan: a company elsewhere sets its own. The system computes them; you do not need to, but you must never give a customer a different date.</p>""",
"""<h3>因解散而转移个人信息时</h3>
<p>《个人信息保护法》第二十二条：个人信息处理者因合并、分立、解散、被宣告破产等原因需要转移个人信息的，应当向个人告知<strong>接收方的名称或者姓名和联系方式</strong>。接收方应当继续履行个人信息处理者的义务；变更原先的处理目的、处理方式的，应当重新取得个人同意。</p>
<h4>计划中的期限（中国默认值）</h4>
<ul>
<li>自解散事由出现之日起15日内成立清算组。</li>
<li>清算组自成立之日起10日内通知已知债权人，60日内公告。</li>
<li>债权人自接到通知之日起30日内，未接到通知的自公告之日起45日内申报债权。</li>
<li>预付费客户至少在服务结束前30天得到通知；退款在申请后15日内支付。</li>
</ul>
<p>这些日期都是计划的设置项：其他地区的公司可自行设置。系统会自动计算，您不需要自己算，但绝不能告诉客户一个不同的日期。</p>"""),
    'questions': [
     (("Under PIPL Art. 22, what must a transfer notice tell the individual?", "根据《个人信息保护法》第二十二条，转移通知必须告诉个人什么？"), [
       (("The recipient's name and contact details", "接收方的名称和联系方式"), True, ("Right.", "正确。")),
       (("The price the recipient paid", "接收方支付的价格"), False, ("Not required, and usually confidential.", "不要求，而且通常是保密的。")),
       (("Nothing if the recipient is a partner", "如果接收方是合作伙伴就无需告知"), False, ("The duty applies to every recipient.", "该义务适用于所有接收方。")),
     ]),
     (("Within how many days after its formation must the liquidation group notify known creditors (default)?", "清算组应在成立后多少日内通知已知债权人（默认值）？"), [
       (("10 days", "10日"), True, ("Right.", "正确。")),
       (("60 days", "60日"), False, ("60 days is the deadline of the public announcement.", "60日是公告的期限。")),
       (("45 days", "45日"), False, ("45 days is the claim period after the announcement.", "45日是公告后的债权申报期。")),
     ]),
    ]},
  ]},
 {
  'id': 'course_emotion', 'seq': 50,
  'name': ("Emotion Playbooks", "情绪应对手册"),
  'desc': ("Three kinds of reactions to a closure notice and how to answer each: angry, anxious, rights-focused.",
           "客户对注销通知的三类反应及应对方法：愤怒型、焦虑型、维权型。"),
  'lessons': [
   {'id': 'emotion_angry', 'name': ("Angry customers: solve first", "愤怒的客户：先解决问题"), 'minutes': 10,
    'html': (
"""<h3>About three in ten customers react with anger</h3>
<p>An angry customer wants the problem solved, not explained. Let them finish, acknowledge the disruption, then move quickly to what you can do.</p>
<ol>
<li>Listen without interrupting. Do not say "calm down".</li>
<li>Acknowledge: "I understand you are upset; this affects your business."</li>
<li>Solve the most pressing problem first: the refund, the data, the replacement.</li>
<li>Give a next step with a time: "You will have the export today; I will call you tomorrow at 10."</li>
</ol>
<p>If the customer insults or threatens, stay polite, offer a call-back, and tell your manager. Never answer anger with anger, and never with a promise you cannot keep just to end the call.</p>""",
"""<h3>大约三成客户会愤怒</h3>
<p>愤怒的客户要的是解决问题，而不是解释。让他把话说完，承认给他带来的困扰，然后尽快转到您能做的事情上。</p>
<ol>
<li>倾听，不打断。不要说"您冷静一下"。</li>
<li>承认："我理解您很生气，这影响了您的业务。"</li>
<li>先解决最紧迫的问题：退款、数据、替代服务。</li>
<li>给出有时间的下一步："今天就把导出文件发给您，明天上午10点我给您回电。"</li>
</ol>
<p>如果客户辱骂或威胁，保持礼貌，提出稍后回电，并报告您的经理。绝不以怒制怒，也绝不为了尽快结束通话而作出无法兑现的承诺。</p>"""),
    'questions': [
     (("An angry customer shouts that you ruined their business. Your first move?", "愤怒的客户大喊您毁了他的生意。您的第一步是？"), [
       (("Let them finish, then acknowledge the disruption", "让他说完，然后承认给他带来的困扰"), True, ("Right.", "正确。")),
       (("Ask them to calm down", "请他冷静一下"), False, ("Taboo: it makes their feeling the problem.", "禁忌：这等于说问题在他的情绪。")),
       (("Explain why the company is closing in detail", "详细解释公司为什么注销"), False, ("Angry customers want solutions first.", "愤怒的客户首先要的是解决方案。")),
     ]),
    ]},
   {'id': 'emotion_anxious', 'name': ("Anxious customers: build security", "焦虑的客户：建立安全感"), 'minutes': 10,
    'html': (
"""<h3>About half of the customers are anxious</h3>
<p>An anxious customer fears the unknown. Security comes from precise answers to three questions: <strong>what</strong> happens, <strong>when</strong>, and <strong>who</strong> takes care of it.</p>
<ul>
<li>What: "Your service continues unchanged until 30 June. Your data can be exported until 30 July."</li>
<li>When: give dates, not "soon" or "later".</li>
<li>Who: your name, your direct contact, and the receiver's contact once chosen.</li>
</ul>
<p>Send a short written summary after the call: anxious customers reread it, and it prevents misunderstandings. Offer to check in again before the service ends.</p>""",
"""<h3>大约一半客户会焦虑</h3>
<p>焦虑的客户害怕未知。安全感来自对三个问题的准确回答：<strong>发生什么</strong>、<strong>什么时候</strong>、<strong>谁来负责</strong>。</p>
<ul>
<li>发生什么："您的服务在6月30日前照常提供，数据可导出至7月30日。"</li>
<li>什么时候：给出具体日期，而不是"很快"或"以后"。</li>
<li>谁来负责：您的姓名、您的直接联系方式，以及选定后接收方的联系方式。</li>
</ul>
<p>通话后发送一份简短的书面总结：焦虑的客户会反复阅读，这也能避免误解。主动提出在服务结束前再联系一次。</p>"""),
    'questions': [
     (("What gives an anxious customer security?", "什么能给焦虑的客户带来安全感？"), [
       (("Precise answers: what, when, who", "准确回答：发生什么、什么时候、谁负责"), True, ("Right.", "正确。")),
       (("Telling them not to worry", "告诉他不用担心"), False, ("Reassurance without facts does not help.", "没有事实的安慰毫无帮助。")),
       (("A discount on the last month", "最后一个月打折"), False, ("It does not answer what they fear.", "这并没有回答他担心的问题。")),
     ]),
    ]},
   {'id': 'emotion_rights', 'name': ("Rights-focused customers: the side-by-side table", "维权型客户：并列对比表"), 'minutes': 10,
    'html': (
"""<h3>About two in ten customers focus on their rights</h3>
<p>A rights-focused customer compares, checks and may quote the law. Do not argue: show the facts side by side.</p>
<p>Prepare a table of the alternatives and their terms: the current contract, each proposed receiver, and the refund option, with price, duration, service level and what happens to the data.</p>
<table class="table table-bordered"><tr><th>Option</th><th>Price</th><th>Data</th><th>Contact</th></tr>
<tr><td>Refund of unused value</td><td>prorated refund</td><td>export, then erasure</td><td>you</td></tr>
<tr><td>Receiver A</td><td>as offered in writing</td><td>handed over with consent</td><td>named at A</td></tr></table>
<p>Quote the dates from the plan and the refund rule exactly. If the customer raises a legal point you cannot answer, note it and promise an answer by a date after checking with your manager.</p>""",
"""<h3>大约两成客户关注自身权益</h3>
<p>维权型客户会比较、核对，甚至引用法律条文。不要争辩：把事实并列展示出来。</p>
<p>准备一张替代方案及其条款的对比表：现有合同、每家推荐的接收方、退款选项，列出价格、期限、服务水平以及数据如何处理。</p>
<table class="table table-bordered"><tr><th>选项</th><th>价格</th><th>数据</th><th>联系人</th></tr>
<tr><td>退还未使用金额</td><td>按比例退款</td><td>导出后删除</td><td>您本人</td></tr>
<tr><td>接收方A</td><td>以书面报价为准</td><td>经同意后移交</td><td>接收方A指定人员</td></tr></table>
<p>准确引用计划中的日期和退款规则。如果客户提出您无法回答的法律问题，记录下来，并承诺在与经理核实后于某个日期前答复。</p>"""),
    'questions': [
     (("What do you prepare for a rights-focused customer?", "面对维权型客户，您要准备什么？"), [
       (("A side-by-side table of the alternatives and their terms", "替代方案及其条款的并列对比表"), True, ("Right.", "正确。")),
       (("A gift to calm them", "一份礼物来安抚他"), False, ("They want facts, not gifts.", "他要的是事实，不是礼物。")),
       (("A legal argument against their claim", "反驳其主张的法律论据"), False, ("Do not argue; show facts and check open points.", "不要争辩；展示事实，核实存疑之处。")),
     ]),
    ]},
  ]},
 {
  'id': 'course_handover', 'seq': 60,
  'name': ("Hand-over for Departing Staff", "离职员工交接"),
  'desc': ("Before you leave: hand every customer you own to a named successor with the checklist, and introduce them.",
           "离职之前：按照交接清单，把您负责的每位客户交给指定的继任者，并完成引荐。"),
  'lessons': [
   {'id': 'handover_checklist', 'name': ("The hand-over checklist", "交接清单"), 'minutes': 15,
    'html': (
"""<h3>Every customer you own goes to a named successor</h3>
<p>For each of your customers, fill in the hand-over checklist with your successor:</p>
<ul>
<li><strong>Open promises</strong>: what you said you would do, and by when.</li>
<li><strong>Open issues</strong>: complaints, refunds requested, milestones late.</li>
<li><strong>Key contacts</strong>: who decides, who uses the service, who to avoid calling at night.</li>
<li><strong>State in the closure</strong>: notified or not, transfer proposed, consent received, data exported.</li>
</ul>
<p>Write it in the case, not in your notebook: the case is what your successor, your manager and the liquidation group see. Hand over the cases in the system so the owner changes; keep no copy of customer data.</p>""",
"""<h3>您负责的每位客户都要交给指定的继任者</h3>
<p>对您的每位客户，与继任者一起填写交接清单：</p>
<ul>
<li><strong>未兑现的承诺</strong>：您说过要做什么、何时完成。</li>
<li><strong>未解决的问题</strong>：投诉、已申请的退款、延误的里程碑。</li>
<li><strong>关键联系人</strong>：谁做决定、谁使用服务、谁不宜在晚上联系。</li>
<li><strong>注销进度</strong>：是否已通知、是否已推荐接收方、是否已获同意、数据是否已导出。</li>
</ul>
<p>写在客户档案里，而不是您的笔记本上：继任者、经理和清算组看到的都是档案。在系统中移交客户，使负责人随之变更；不要保留任何客户数据副本。</p>"""),
    'questions': [
     (("Where do you write the hand-over notes?", "交接记录写在哪里？"), [
       (("In the customer's case in the system", "系统中的客户档案里"), True, ("Right.", "正确。")),
       (("In a private notebook you give your successor", "写在私人笔记本上交给继任者"), False, ("Nobody else can see it, and it gets lost.", "别人看不到，而且容易丢失。")),
       (("Nowhere, you call your successor", "不写，打电话告诉继任者"), False, ("Spoken hand-overs are forgotten.", "口头交接容易被遗忘。")),
     ]),
    ]},
   {'id': 'handover_successor', 'name': ("Introducing your successor", "介绍您的继任者"), 'minutes': 10,
    'html': (
"""<h3>The customer meets the successor before you leave</h3>
<p>A customer who gets a new name in an automatic e-mail feels dropped. Introduce your successor yourself:</p>
<ol>
<li>Tell the customer you are leaving and who takes over, with their contact details.</li>
<li>For A-tier customers, hold a joint call or meeting; for the others, a joint e-mail.</li>
<li>Confirm the open promises in front of the customer, so the successor owns them.</li>
<li>Say goodbye warmly; do not invite the customer to follow you elsewhere.</li>
</ol>
<p>Your last working day is not the deadline: finish the introductions at least a week before, so questions can still reach you.</p>""",
"""<h3>在您离开前，让客户认识继任者</h3>
<p>客户如果只是在一封自动邮件里看到一个新名字，会觉得被抛下。请亲自介绍您的继任者：</p>
<ol>
<li>告诉客户您即将离开、由谁接手，并提供其联系方式。</li>
<li>对A类客户，举行联合通话或会面；对其他客户，发送联名邮件。</li>
<li>当着客户的面确认未兑现的承诺，由继任者接手负责。</li>
<li>温暖地道别；不要邀请客户随您去别处。</li>
</ol>
<p>最后一个工作日不是截止日：至少提前一周完成引荐，以便问题还能找到您。</p>"""),
    'questions': [
     (("How do you introduce your successor to an A-tier customer?", "如何向A类客户介绍您的继任者？"), [
       (("A joint call or meeting", "联合通话或会面"), True, ("Right.", "正确。")),
       (("An automatic e-mail", "一封自动邮件"), False, ("A-tier customers get personal contact.", "A类客户需要亲自联系。")),
       (("Not at all, the successor will call", "不用介绍，继任者会打电话"), False, ("The customer feels dropped.", "客户会觉得被抛下。")),
     ]),
    ]},
  ]},
 {
  'id': 'course_complaint', 'seq': 70,
  'name': ("Complaint Handling in Four Steps", "投诉处理四步法"),
  'desc': ("The general skill behind every difficult call: listen, apologise, offer options, follow up.",
           "每一通棘手电话背后的通用技能：倾听、道歉、提供选择、跟进。"),
  'lessons': [
   {'id': 'complaint_steps', 'name': ("The four steps", "四个步骤"), 'minutes': 15,
    'html': (
"""<h3>Listen, apologise, offer, follow up</h3>
<ol>
<li><strong>Listen and empathise</strong>: let the customer tell the whole story; repeat the key point to show you understood.</li>
<li><strong>Apologise and name the cause</strong>: apologise for the trouble, and say what caused it in plain words, without blaming a colleague.</li>
<li><strong>Offer two or three options</strong>: a choice gives back control. One option feels like an order, five feel like confusion.</li>
<li><strong>Follow up within 24 hours</strong>: check that the chosen option worked.</li>
</ol>
<p>Record the complaint and its resolution on the case. In a closure, complaints spread fast: one that is solved and followed up often turns into a recommendation.</p>""",
"""<h3>倾听、道歉、提供选择、跟进</h3>
<ol>
<li><strong>倾听并共情</strong>：让客户把事情讲完；复述关键点，表明您已经理解。</li>
<li><strong>道歉并说明原因</strong>：为带来的麻烦道歉，用平实的语言说明原因，不要归咎于同事。</li>
<li><strong>提供两到三个选择</strong>：选择让客户重新掌握主动。只给一个像是命令，给五个则让人困惑。</li>
<li><strong>24小时内跟进</strong>：确认客户选择的方案已经奏效。</li>
</ol>
<p>在客户档案中记录投诉及其处理结果。注销期间投诉传播很快：一个被解决并得到跟进的投诉，常常会变成一次推荐。</p>"""),
    'questions': [
     (("How many options do you offer in step 3?", "第三步提供几个选择？"), [
       (("Two or three", "两到三个"), True, ("Right.", "正确。")),
       (("One, to keep it simple", "一个，简单明了"), False, ("One option feels like an order.", "只有一个选择像是命令。")),
       (("As many as exist", "有多少给多少"), False, ("Too many options confuse.", "选择太多会让人困惑。")),
     ]),
     (("When do you follow up a complaint?", "何时跟进投诉？"), [
       (("Within 24 hours", "24小时内"), True, ("Right.", "正确。")),
       (("Within a week", "一周内"), False, ("Too late: the customer has already talked to others.", "太晚了：客户早已对别人说过了。")),
       (("Only if the customer calls again", "只有客户再次来电时"), False, ("Following up is your job, not theirs.", "跟进是您的工作，不是客户的。")),
     ]),
    ]},
   {'id': 'complaint_care', 'name': ("Follow-up and the care rule", "跟进与关怀规则"), 'minutes': 10,
    'html': (
"""<h3>No interaction for three days: send a care message</h3>
<p>Silence worries customers, especially during a closure. If a customer you own has had no interaction for three days while their case is open, send a short care message: where things stand, what comes next, and your contact.</p>
<p>A care message is not marketing: no offers, no upsell. It keeps the promise of transparency and prevents the customer from hearing news from someone else first.</p>
<p>Example: "Hello Ms Wang, a quick update: your data export is ready and will stay available until 30 July. Your refund request is registered; the payment date is 15 August. I remain your contact."</p>""",
"""<h3>三天没有互动：发送关怀信息</h3>
<p>沉默会让客户不安，注销期间尤其如此。如果您负责的客户在档案未结时已经三天没有任何互动，请发送一条简短的关怀信息：目前进展、下一步以及您的联系方式。</p>
<p>关怀信息不是营销：不推销、不加购。它兑现透明的承诺，避免客户先从别人那里听到消息。</p>
<p>示例："王女士您好，向您简单通报：您的数据导出文件已准备好，可下载至7月30日。您的退款申请已登记，付款日期为8月15日。我仍是您的联系人。"</p>"""),
    'questions': [
     (("What does a care message contain?", "关怀信息包含什么？"), [
       (("Where things stand, what comes next, your contact", "目前进展、下一步、您的联系方式"), True, ("Right.", "正确。")),
       (("A special offer", "一个特别优惠"), False, ("A care message is not marketing.", "关怀信息不是营销。")),
       (("A reminder to pay open invoices", "催缴未付账单"), False, ("That is a different message.", "那是另一类信息。")),
     ]),
    ]},
  ]},
 {
  'id': 'course_lifecycle', 'seq': 80,
  'name': ("The Customer Lifecycle", "客户生命周期"),
  'desc': ("The general CRM skills the closure builds on: lifecycle stages, lead scoring, permissions and the metrics that count.",
           "注销工作所依托的通用CRM技能：生命周期阶段、线索评分、权限以及关键指标。"),
  'lessons': [
   {'id': 'lifecycle_stages', 'name': ("Five stages", "五个阶段"), 'minutes': 15,
    'html': (
"""<h3>Prospect, aware, buying, loyal, churning</h3>
<ul>
<li><strong>Prospect</strong>: may need what we offer; not yet in contact.</li>
<li><strong>Aware</strong>: knows us, compares.</li>
<li><strong>Buying</strong>: in an active deal.</li>
<li><strong>Loyal</strong>: buys again, recommends us.</li>
<li><strong>Churning</strong>: less activity, complaints, looking elsewhere.</li>
</ul>
<p>A closure moves every customer to the end of the lifecycle at once. Loyal customers feel it most: they trusted us longest. Give them the most attention, and the best introductions to receivers, because they are also the ones whose goodwill the founders' next venture may inherit.</p>""",
"""<h3>潜在、认知、购买、忠诚、流失</h3>
<ul>
<li><strong>潜在客户</strong>：可能需要我们的产品，尚未接触。</li>
<li><strong>认知客户</strong>：了解我们，正在比较。</li>
<li><strong>购买客户</strong>：正在进行交易。</li>
<li><strong>忠诚客户</strong>：重复购买，向他人推荐我们。</li>
<li><strong>流失客户</strong>：活跃度下降，有投诉，正在另寻他处。</li>
</ul>
<p>注销让每一位客户同时走到生命周期的终点。忠诚客户感受最深：他们信任我们最久。请给予他们最多的关注和最好的接收方引荐，因为创始人的下一次创业可能继承的正是他们的好感。</p>"""),
    'questions': [
     (("Which customers feel a closure most?", "哪类客户对注销的感受最深？"), [
       (("Loyal customers", "忠诚客户"), True, ("Right: they trusted us longest.", "正确：他们信任我们最久。")),
       (("Prospects", "潜在客户"), False, ("They have little at stake.", "他们的利害关系很小。")),
       (("Churning customers", "流失客户"), False, ("They were already leaving.", "他们本来就在离开。")),
     ]),
    ]},
   {'id': 'lifecycle_metrics', 'name': ("Scores, permissions and metrics", "评分、权限与指标"), 'minutes': 15,
    'html': (
"""<h3>Lead scoring</h3>
<p>An example rule from the handbooks: score = need-match x 0.6 + interactions in the last 7 days x 0.4; a score of 80 and above goes to a senior rep. The same idea serves a closure: the customers who matter most get the most experienced person.</p>
<h3>Permissions</h3>
<p>Reps see their own customers; managers see all. This protects customers' data and makes ownership clear.</p>
<h3>Metrics</h3>
<ul>
<li>Retention rate and churn rate</li>
<li>Customer lifetime value; in a closure, the residual lifetime value: the value still produced after transfer compared with before (40-60% with trained staff, 20-30% without, in one example)</li>
<li>Repeat purchase rate</li>
<li>Net promoter score (NPS)</li>
</ul>""",
"""<h3>线索评分</h3>
<p>手册中的一个示例规则：得分 = 需求匹配度 × 0.6 + 最近7天互动次数 × 0.4；80分及以上分配给资深销售。同样的思路也适用于注销：最重要的客户由最有经验的人负责。</p>
<h3>权限</h3>
<p>销售人员只能看到自己的客户；经理可以看到全部客户。这既保护了客户数据，也让责任归属清晰。</p>
<h3>指标</h3>
<ul>
<li>客户留存率和流失率</li>
<li>客户终身价值；注销中则是剩余终身价值：转移后仍然产生的价值与转移前之比（一个示例中，经过培训的员工可达40-60%，未经培训的仅20-30%）</li>
<li>复购率</li>
<li>净推荐值（NPS）</li>
</ul>"""),
    'questions': [
     (("In the example lead score, what weight do recent interactions have?", "在示例线索评分中，近期互动的权重是多少？"), [
       (("0.4", "0.4"), True, ("Right: need-match 0.6, interactions 0.4.", "正确：需求匹配度0.6，互动0.4。")),
       (("0.6", "0.6"), False, ("0.6 is the weight of need-match.", "0.6是需求匹配度的权重。")),
       (("1.0", "1.0"), False, ("Both parts count.", "两部分都计入。")),
     ]),
    ]},
  ]},
 {
  'id': 'course_certification', 'seq': 90,
  'name': ("Closure Communication Certification", "注销沟通认证"),
  'desc': ("Review the essentials and pass the closure communication certification. Plans may require it to send notices, own A-tier cases or confirm hand-overs.",
           "复习要点并通过注销沟通认证。计划可要求员工持有该认证，才能发送通知、负责A类客户或确认交接。"),
  'certification': 'survey_closure_communication',
  'lessons': [
   {'id': 'certification_review', 'name': ("Review before the exam", "考前复习"), 'minutes': 15,
    'html': (
"""<h3>What the certification checks</h3>
<ul>
<li>The three-step soothing script: empathy, solution, keep in touch.</li>
<li>The taboo list and the neutral reason.</li>
<li>The five things every notice says: why, when, data, replacement and refund, contact.</li>
<li>Consent before any hand-over; PIPL Art. 22: name the recipient and its contact.</li>
<li>The emotion playbooks: angry (solve first), anxious (what, when, who), rights-focused (side-by-side table).</li>
<li>Complaints in four steps, follow-up within 24 hours.</li>
</ul>
<p>The pass mark is 80%. You may retry; each attempt is recorded. Passing the certification counts in your performance review.</p>""",
"""<h3>认证考查哪些内容</h3>
<ul>
<li>三步安抚话术：共情、方案、保持联系。</li>
<li>禁忌用语清单和中性的理由。</li>
<li>每份通知必须说明的五件事：原因、时间、数据、替代方案与退款、联系人。</li>
<li>任何移交前须获得同意；《个人信息保护法》第二十二条：写明接收方及其联系方式。</li>
<li>情绪应对手册：愤怒型（先解决问题）、焦虑型（发生什么、何时、谁负责）、维权型（并列对比表）。</li>
<li>投诉处理四步法，24小时内跟进。</li>
</ul>
<p>及格线为80%。可以重考，每次作答都会被记录。通过认证将计入您的绩效考核。</p>"""),
    'questions': []},
  ]},
 {
  'id': 'course_trainer', 'seq': 100,
  'name': ("Internal Trainer Programme", "内部讲师培养计划"),
  'desc': ("The core layer of the 3-3-3 model: become an internal trainer who runs workshops and coaches colleagues, and pass the trainer certification.",
           "3-3-3模式中的核心层：成为能够组织工作坊、辅导同事的内部讲师，并通过讲师认证。"),
  'certification': 'survey_trainer_certification',
  'lessons': [
   {'id': 'trainer_session', 'name': ("Running a training session", "如何组织一次培训"), 'minutes': 20,
    'html': (
"""<h3>A session of 45 minutes</h3>
<ol>
<li><strong>5 min, the why</strong>: one real customer story from this closure, anonymised.</li>
<li><strong>10 min, the rule</strong>: one lesson only (for example the four complaint steps).</li>
<li><strong>20 min, the practice</strong>: pairs role-play a scenario; one plays the customer with an emotion card (angry, anxious, rights-focused).</li>
<li><strong>10 min, the debrief</strong>: what worked, which words to avoid, what to say next time.</li>
</ol>
<p>Keep groups below eight. Take questions live and write down the ones you cannot answer: send the answers within a day. Track attendance in the plan's training so that coverage reaches 100%.</p>""",
"""<h3>一次45分钟的培训</h3>
<ol>
<li><strong>5分钟，讲为什么</strong>：讲一个本次注销中真实的客户故事（匿名处理）。</li>
<li><strong>10分钟，讲规则</strong>：只讲一课（例如投诉处理四步法）。</li>
<li><strong>20分钟，做练习</strong>：两人一组进行情景角色扮演；一人手持情绪卡（愤怒、焦虑、维权）扮演客户。</li>
<li><strong>10分钟，做复盘</strong>：哪些做法有效，哪些词要避免，下次该怎么说。</li>
</ol>
<p>每组不超过八人。现场答疑，把答不上来的问题记下来，一天内回复。在计划的培训中记录出勤，让覆盖率达到100%。</p>"""),
    'questions': [
     (("How long is the practice part of a 45-minute session?", "45分钟的培训中，练习环节多长？"), [
       (("20 minutes", "20分钟"), True, ("Right: practice is the largest part.", "正确：练习占比最大。")),
       (("5 minutes", "5分钟"), False, ("Too short to role-play.", "太短，无法进行角色扮演。")),
       (("None, lecture only", "没有练习，只讲课"), False, ("People learn wording by practising it.", "话术要靠练习才能掌握。")),
     ]),
    ]},
   {'id': 'trainer_coaching', 'name': ("Coaching with the reply coach", "借助回复教练进行辅导"), 'minutes': 15,
    'html': (
"""<h3>Use the daily practice to coach</h3>
<p>Every trainee answers one scenario a day. For written answers, the reply coach checks four things and explains its verdict: no taboo phrase, empathy, a concrete solution, a next step.</p>
<ul>
<li>Look at the practice answers of your group every week: which part is missing most often?</li>
<li>Pick one weak answer (anonymised) and rewrite it together in the next session.</li>
<li>Add phrases to the coach's rules when the team finds good or bad wordings the list does not know yet.</li>
</ul>
<p>The coach is a keyword check: it is explainable, not infallible. A trainer's judgement comes first.</p>""",
"""<h3>利用每日练习进行辅导</h3>
<p>每位学员每天回答一个情景题。对于书面回答，回复教练会检查四项并解释结论：没有禁忌用语、有共情、有具体方案、有下一步。</p>
<ul>
<li>每周查看本组的练习回答：最常缺少的是哪一项？</li>
<li>挑选一个较弱的回答（匿名处理），在下一次培训中一起改写。</li>
<li>当团队发现清单中还没有的好说法或坏说法时，把它们添加到教练规则中。</li>
</ul>
<p>教练是基于关键词的检查：它可以解释，但并非万无一失。讲师的判断优先。</p>"""),
    'questions': [
     (("Which four things does the reply coach check?", "回复教练检查哪四项？"), [
       (("No taboo phrase, empathy, a solution, a next step", "无禁忌用语、共情、方案、下一步"), True, ("Right.", "正确。")),
       (("Spelling, length, politeness, speed", "拼写、长度、礼貌、速度"), False, ("Not what the coach checks.", "这不是教练检查的内容。")),
       (("Only taboo phrases", "只检查禁忌用语"), False, ("It checks the three required parts too.", "它还检查三个必备部分。")),
     ]),
    ]},
  ]},
 {
  'id': 'course_workshop', 'seq': 110,
  'name': ("Scenario Workshop: Role-play", "情景工作坊：角色扮演"),
  'desc': ("The workshop layer: practise real closure conversations in pairs, with scripts for the three emotions.",
           "工作坊层：两人一组练习真实的注销对话，附三种情绪的剧本。"),
  'lessons': [
   {'id': 'workshop_howto', 'name': ("How a role-play works", "角色扮演如何进行"), 'minutes': 15,
    'html': (
"""<h3>Customer, rep, observer</h3>
<p>Work in threes. The <strong>customer</strong> draws a card (situation and emotion) and plays it honestly, without exaggeration. The <strong>rep</strong> answers using the playbooks. The <strong>observer</strong> ticks the checklist: empathy, no taboo phrase, a concrete solution, a next step with a date.</p>
<p>Each round takes 5 minutes plus 3 minutes of feedback from the observer, then roles rotate. After three rounds everyone has played each role once.</p>
<p>Feedback starts with what worked, then one thing to change, with the exact words to use instead.</p>""",
"""<h3>客户、销售、观察员</h3>
<p>三人一组。<strong>客户</strong>抽一张卡（情境和情绪），如实扮演，不要夸张。<strong>销售</strong>运用应对手册作答。<strong>观察员</strong>对照检查表打勾：共情、无禁忌用语、具体方案、有日期的下一步。</p>
<p>每轮5分钟，观察员反馈3分钟，然后轮换角色。三轮之后，每人都扮演过每个角色一次。</p>
<p>反馈先说做得好的地方，再说一处需要改进的地方，并给出应该使用的确切说法。</p>"""),
    'questions': [
     (("What does the observer tick?", "观察员要检查哪些项？"), [
       (("Empathy, no taboo phrase, a solution, a dated next step", "共情、无禁忌用语、方案、有日期的下一步"), True, ("Right.", "正确。")),
       (("How fast the rep talks", "销售说话的速度"), False, ("Content, not speed.", "看内容，不看速度。")),
       (("Whether the customer was convinced to buy", "客户是否被说服购买"), False, ("No selling at a closure.", "注销时不做推销。")),
     ]),
    ]},
   {'id': 'workshop_scripts', 'name': ("Scripts: three customers", "剧本：三位客户"), 'minutes': 20,
    'html': (
"""<h3>Card 1: the angry gym member</h3>
<p>"I paid for a year two months ago and now you close? This is fraud!" Goal: solve first. The rep acknowledges, states the prorated refund and the three nearby gyms with a free trial, and gives the refund due date.</p>
<h3>Card 2: the anxious small business</h3>
<p>"All our orders are in your system. What happens to them?" Goal: what, when, who. The rep gives the service end date, the export deadline, offers an export now and a three-way introduction to a receiver.</p>
<h3>Card 3: the rights-focused customer</h3>
<p>"The law says you must refund within 15 days. Show me in writing." Goal: side-by-side table. The rep confirms the rule, explains the claims declaration period if the company is in liquidation, and sends the table and dates in writing.</p>""",
"""<h3>卡片1：愤怒的健身会员</h3>
<p>"我两个月前刚交了一年的费用，现在你们就关门？这是诈骗！"目标：先解决问题。销售承认客户的不满，说明按比例退款，提供附近三家可免费体验的健身房，并告知退款到期日。</p>
<h3>卡片2：焦虑的小企业主</h3>
<p>"我们所有的订单都在你们的系统里，它们会怎么样？"目标：发生什么、何时、谁负责。销售告知服务结束日和导出截止日，提出立即导出，并安排与接收方的三方引荐。</p>
<h3>卡片3：维权型客户</h3>
<p>"法律规定你们必须在15天内退款。给我书面说明。"目标：并列对比表。销售确认该规则，如公司处于清算中则解释债权申报期，并以书面形式发送对比表和日期。</p>"""),
    'questions': [
     (("In card 1, what does the rep do first?", "在卡片1中，销售首先做什么？"), [
       (("Acknowledge, then state the refund and alternatives", "承认不满，然后说明退款和替代方案"), True, ("Right: solve first.", "正确：先解决问题。")),
       (("Deny that it is fraud", "否认这是诈骗"), False, ("Arguing escalates.", "争辩只会升级冲突。")),
       (("Transfer the call to the manager", "把电话转给经理"), False, ("Try to solve it yourself first.", "先尝试自己解决。")),
     ]),
    ]},
  ]},
 {
  'id': 'course_micro', 'seq': 120,
  'name': ("Micro-lessons: 15 Minutes a Day", "微课：每天15分钟"),
  'desc': ("The micro-lesson layer: the essentials of closure communication in three 15-minute lessons.",
           "微课层：用三节15分钟的课程掌握注销沟通要点。"),
  'lessons': [
   {'id': 'micro_script', 'name': ("Micro-lesson 1: the soothing script", "微课1：三步安抚话术"), 'minutes': 15,
    'html': (
"""<h3>Empathy, solution, keep in touch</h3>
<p><strong>Empathy</strong>: "We understand this disrupts your routine; we are sorry."</p>
<p><strong>Solution</strong>: "Here are three nearby alternatives with a free trial, and your unused membership is refunded, prorated."</p>
<p><strong>Keep in touch</strong>: "Here is a small guide to the alternatives, and my direct number if anything comes up."</p>
<p>Practise saying it aloud three times today, in your own words.</p>""",
"""<h3>共情、方案、保持联系</h3>
<p><strong>共情</strong>："我们理解这会打乱您的日常安排，非常抱歉。"</p>
<p><strong>方案</strong>："这是附近三家可免费体验的替代机构，您未使用的会员费将按比例退还。"</p>
<p><strong>保持联系</strong>："这是一份替代机构的小指南，还有我的直线电话，有任何问题随时找我。"</p>
<p>今天用您自己的话把它大声练习三遍。</p>"""),
    'questions': [
     (("Which step is \"Here is my direct number if anything comes up\"?", "\"有任何问题随时找我，这是我的直线电话\"属于哪一步？"), [
       (("Keep in touch", "保持联系"), True, ("Right.", "正确。")),
       (("Empathy", "共情"), False, ("Empathy names the disruption.", "共情是说出带来的不便。")),
       (("Solution", "方案"), False, ("The solution is the alternative and the refund.", "方案是替代选择和退款。")),
     ]),
    ]},
   {'id': 'micro_notice', 'name': ("Micro-lesson 2: five things every notice says", "微课2：每份通知必须说明的五件事"), 'minutes': 15,
    'html': (
"""<h3>Why, when, data, replacement and refund, contact</h3>
<p>Before you send or read out any notice, check the five points: the neutral reason; the service end date; the data export channel and deletion date; the replacement and the refund of unused value; whom to contact.</p>
<p>A notice missing one of them creates calls, worry and complaints. The notice templates fill the dates and amounts from the plan: you check that they are there and right for this customer.</p>""",
"""<h3>原因、时间、数据、替代与退款、联系人</h3>
<p>发送或宣读任何通知之前，检查五点：中性的理由；服务结束日期；数据导出渠道和删除日期；替代方案和未使用金额的退款；联系人。</p>
<p>缺少任何一点的通知都会引来电话、担忧和投诉。通知模板会根据计划自动填入日期和金额：您要检查它们是否齐全、对这位客户是否准确。</p>"""),
    'questions': [
     (("A notice gives the reason, the end date, the refund and the contact. What is missing?", "一份通知写明了原因、结束日期、退款和联系人。缺了什么？"), [
       (("What happens to the data", "数据如何处理"), True, ("Right: export channel and deletion date.", "正确：导出渠道和删除日期。")),
       (("The company's new address", "公司的新地址"), False, ("Not one of the five points.", "不属于五个要点。")),
       (("A discount code", "折扣码"), False, ("No marketing in a notice.", "通知中不做营销。")),
     ]),
    ]},
   {'id': 'micro_escalate', 'name': ("Micro-lesson 3: when to escalate", "微课3：何时升级处理"), 'minutes': 15,
    'html': (
"""<h3>Hand it up when</h3>
<ul>
<li>The customer is A-tier and asks for something not in the plan.</li>
<li>The customer threatens legal action or the press.</li>
<li>A refund or a promise would exceed what the plan allows.</li>
<li>A receiver asks for data the customer did not consent to.</li>
</ul>
<p>Escalating is not failing. Tell the customer who will answer and by when, record it on the case, and inform your manager the same day.</p>""",
"""<h3>以下情况请升级处理</h3>
<ul>
<li>A类客户提出计划之外的要求。</li>
<li>客户威胁诉诸法律或媒体。</li>
<li>退款或承诺将超出计划允许的范围。</li>
<li>接收方索要客户未同意移交的数据。</li>
</ul>
<p>升级处理不是失败。告诉客户由谁答复、何时答复，记录在客户档案中，并在当天告知您的经理。</p>"""),
    'questions': [
     (("A receiver asks for data the customer did not consent to. What do you do?", "接收方索要客户未同意移交的数据，您怎么做？"), [
       (("Refuse and escalate to your manager", "拒绝，并上报您的经理"), True, ("Right.", "正确。")),
       (("Send it, the receiver is a partner", "发送，接收方是合作伙伴"), False, ("A data leak.", "这是数据泄露。")),
       (("Ask the receiver to keep it secret", "请接收方保密"), False, ("Still a data leak.", "仍然是数据泄露。")),
     ]),
    ]},
  ]},
]

SURVEYS = [
 {'id': 'survey_closure_communication',
  'title': ("Closure Communication Certification", "注销沟通认证"),
  'desc': ("Ten minutes, eight questions, pass mark 80%.", "十分钟，八道题，及格线80%。"),
  'pass': 80.0,
  'questions': [
   (("A customer hears of the closure for the first time. Your first sentence?", "客户第一次听说注销。您的第一句话是？"), [
     (("We understand this disrupts your plans, and we are sorry.", "我们理解这会打乱您的计划，非常抱歉。"), True),
     (("The company went bankrupt, there is nothing we can do.", "公司破产了，我们也没办法。"), False),
     (("Let me first explain the financial situation.", "我先给您解释一下财务状况。"), False)]),
   (("Which reason do notices give?", "通知给出的理由是什么？"), [
     (("The neutral reason written in the plan", "计划中写明的中性理由"), True),
     (("Whatever the rep thinks is true", "销售自己认为真实的理由"), False),
     (("No reason at all", "不给任何理由"), False)]),
   (("Which of these must every notice state?", "以下哪一项是每份通知都必须说明的？"), [
     (("The data export channel and the deletion date", "数据导出渠道和删除日期"), True),
     (("The price of the founders' next product", "创始人下一款产品的价格"), False),
     (("The names of the staff who are leaving", "离职员工的名单"), False)]),
   (("The customer declines every receiver. You...", "客户拒绝了所有接收方。您……"), [
     (("hand over no data to any receiver", "不向任何接收方移交任何数据"), True),
     (("send the contact details to the best match anyway", "仍把联系方式发给最匹配的接收方"), False),
     (("insist until they accept", "坚持劝说直到客户接受"), False)]),
   (("Under PIPL Art. 22 a transfer notice names...", "根据《个人信息保护法》第二十二条，转移通知须写明……"), [
     (("the recipient and its contact details", "接收方及其联系方式"), True),
     (("the referral fee", "推荐费"), False),
     (("nothing if the customer is a company", "如果客户是企业则无需写明"), False)]),
   (("An angry customer: what first?", "面对愤怒的客户，首先做什么？"), [
     (("Listen, acknowledge, then solve the most pressing problem", "倾听、承认，然后解决最紧迫的问题"), True),
     (("Ask them to calm down", "请他冷静一下"), False),
     (("End the call politely", "礼貌地结束通话"), False)]),
   (("The contract does not mention refunds; the customer has unused prepaid value.", "合同没有提到退款，客户有未使用的预付款。"), [
     (("It is refunded, prorated, within the plan's refund rules", "按计划的退款规则，按比例退还"), True),
     (("No refund: the contract is silent", "不退款：合同没有约定"), False),
     (("A voucher for a future product", "未来产品的代金券"), False)]),
   (("When do you follow up a complaint?", "何时跟进投诉？"), [
     (("Within 24 hours", "24小时内"), True),
     (("Within a week", "一周内"), False),
     (("When the customer calls again", "客户再次来电时"), False)]),
  ]},
 {'id': 'survey_trainer_certification',
  'title': ("Internal Trainer Certification", "内部讲师认证"),
  'desc': ("For the core layer: five questions on running sessions and coaching, pass mark 80%.",
           "适用于核心层：五道关于组织培训和辅导的题目，及格线80%。"),
  'pass': 80.0,
  'questions': [
   (("What takes most of a 45-minute session?", "45分钟的培训中，哪个环节占用时间最多？"), [
     (("Role-play practice", "角色扮演练习"), True), (("The lecture", "讲课"), False), (("Questions", "答疑"), False)]),
   (("How large is a workshop group at most?", "工作坊每组最多多少人？"), [
     (("Eight", "八人"), True), (("Twenty", "二十人"), False), (("No limit", "不限"), False)]),
   (("Feedback after a role-play starts with...", "角色扮演后的反馈从什么开始？"), [
     (("what worked", "做得好的地方"), True), (("the biggest mistake", "最大的错误"), False), (("the score", "分数"), False)]),
   (("The reply coach flags an answer you find good. You...", "回复教练标记了一个您认为不错的回答。您……"), [
     (("use your judgement and improve the coach's rules", "运用自己的判断，并改进教练规则"), True),
     (("follow the coach: it is always right", "听从教练：它总是对的"), False),
     (("turn the coach off", "关闭教练"), False)]),
   (("The 3-3-3 target coverage is...", "3-3-3模式的覆盖率目标是……"), [
     (("100% of the staff", "全体员工的100%"), True), (("30% of the staff", "员工的30%"), False), (("The managers only", "仅限经理"), False)]),
  ]},
]

TRACKS = [
 ('track_frontline', 'role', 'frontline', None, 10, ("Front-line Staff", "一线员工"),
  ("Wording, problem procedures and emotion handling for the staff who talk to customers.", "面向与客户直接沟通的员工：话术、问题处理流程和情绪应对。"),
  ['course_farewell', 'course_legacy', 'course_transfer', 'course_emotion', 'course_complaint', 'course_certification']),
 ('track_manager', 'role', 'manager', None, 20, ("Managers", "管理人员"),
  ("Legal boundaries, how to allocate customers, protecting the brand.", "法律边界、客户分配、品牌保护。"),
  ['course_farewell', 'course_legal', 'course_transfer', 'course_lifecycle', 'course_certification']),
 ('track_departing', 'role', 'departing', None, 30, ("Departing Staff", "离职员工"),
  ("The hand-over checklist and the introduction of the successor.", "交接清单和继任者引荐。"),
  ['course_handover', 'course_farewell']),
 ('track_layer_core', 'layer', None, 'core', 40, ("Core Layer: Internal Trainers", "核心层：内部讲师"),
  ("About 30% of the staff become certified internal trainers.", "约30%的员工成为经过认证的内部讲师。"),
  ['course_trainer']),
 ('track_layer_workshop', 'layer', None, 'workshop', 50, ("Workshop Layer: Scenario Role-play", "工作坊层：情景角色扮演"),
  ("About 30% of the staff practise in scenario workshops.", "约30%的员工参加情景工作坊练习。"),
  ['course_workshop']),
 ('track_layer_micro', 'layer', None, 'micro', 60, ("Micro-lesson Layer", "微课层"),
  ("About 40% of the staff take 15-minute micro-lessons.", "约40%的员工学习15分钟微课。"),
  ['course_micro']),
]
