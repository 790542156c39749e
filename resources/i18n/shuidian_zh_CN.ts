<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name>AccountOperationDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="61" />
      <source>Refund</source>
      <translation>退款</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="62" />
      <source>Adjust balance</source>
      <translation>调账</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="63" />
      <source>Reverse an entry</source>
      <translation>冲正</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="68" />
      <source>Account:</source>
      <translation>账户：</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="72" />
      <source>Balance:</source>
      <translation>余额：</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="74" />
      <source>{0} (cash {1}, subsidy {2})</source>
      <translation>{0}（现金 {1}，补助 {2}）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="85" />
      <source>Yuan, e.g. 50 or 12.50</source>
      <translation>元，例如 50 或 12.50</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="86" />
      <source>Refund amount:</source>
      <translation>退款金额：</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="89" />
      <source>Paid back by:</source>
      <translation>退款方式：</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="91" />
      <source>Yuan; negative to deduct, e.g. -20</source>
      <translation>元；扣减填负数，例如 -20</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="92" />
      <source>Adjustment:</source>
      <translation>调账金额：</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="95" />
      <source>Pocket:</source>
      <translation>调整账户：</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="99" />
      <source>Entry:</source>
      <translation>账目：</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="101" />
      <source>No. {0} · {1} · {2} · {3}</source>
      <translation>第 {0} 笔 · {1} · {2} · {3}</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="110" />
      <source>Required: why this is done</source>
      <translation>必填：操作原因</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="113" />
      <source>Reason:</source>
      <translation>原因：</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="117" />
      <source>Confirm</source>
      <translation>确定</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="119" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/account_ops.py" line="159" />
      <source>Enter the reason.</source>
      <translation>请填写原因。</translation>
    </message>
  </context>
  <context>
    <name>AccountTableModel</name>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="29" />
      <source>Room</source>
      <translation>房间号</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="30" />
      <source>Name</source>
      <translation>房间名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="31" />
      <source>Tenant</source>
      <translation>商户/住户</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="32" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="33" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="34" />
      <source>Cash</source>
      <translation>现金</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="35" />
      <source>Subsidy</source>
      <translation>补助</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="36" />
      <source>Balance</source>
      <translation>余额</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="39" />
      <source>Active</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="40" />
      <source>Suspended</source>
      <translation>暂停</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="41" />
      <source>Closed</source>
      <translation>已销户</translation>
    </message>
  </context>
  <context>
    <name>AmountInput</name>
    <message>
      <location filename="../../app/ui/money_input.py" line="33" />
      <source>At most two decimals: the smallest unit is one fen.</source>
      <translation>最多两位小数：最小单位为 1 分。</translation>
    </message>
    <message>
      <location filename="../../app/ui/money_input.py" line="39" />
      <source>Not an amount: enter yuan, e.g. 100 or 99.50.</source>
      <translation>金额无效：请输入元，例如 100 或 99.50。</translation>
    </message>
    <message>
      <location filename="../../app/ui/money_input.py" line="45" />
      <source>The amount cannot be zero.</source>
      <translation>金额不能为零。</translation>
    </message>
    <message>
      <location filename="../../app/ui/money_input.py" line="49" />
      <source>The amount must be above zero.</source>
      <translation>金额必须大于零。</translation>
    </message>
    <message>
      <location filename="../../app/ui/money_input.py" line="54" />
      <source>The amount is above the limit of {0} for one operation.</source>
      <translation>金额超过单笔上限 {0}。</translation>
    </message>
  </context>
  <context>
    <name>Application</name>
    <message>
      <location filename="../../app/ui/application.py" line="96" />
      <source>Collector: running in this desk</source>
      <translation>采集服务：本机运行</translation>
    </message>
    <message>
      <location filename="../../app/ui/application.py" line="98" />
      <source>Collector: not in this desk</source>
      <translation>采集服务：未在本机运行</translation>
    </message>
    <message>
      <location filename="../../app/ui/application.py" line="102" />
      <source>Demo operators (login / password):</source>
      <translation>演示操作员（账号 / 密码）：</translation>
    </message>
  </context>
  <context>
    <name>CashierPage</name>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="143" />
      <source>Room, tenant, phone or pinyin initials</source>
      <translation>房间号、户名、电话或拼音首字母</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="168" />
      <source>Find the account</source>
      <translation>查找账户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="176" />
      <location filename="../../app/ui/pages/cashier.py" line="478" />
      <source>Account</source>
      <translation>账户信息</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="194" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="195" />
      <source>Tenant</source>
      <translation>户名</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="196" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="197" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="198" />
      <source>Balance</source>
      <translation>余额</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="199" />
      <source>Cash</source>
      <translation>现金</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="200" />
      <source>Subsidy</source>
      <translation>补助</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="201" />
      <source>Supply</source>
      <translation>供电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="223" />
      <source>Latest entries</source>
      <translation>最近账目</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="229" />
      <source>Top up</source>
      <translation>充值</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="232" />
      <source>Yuan, e.g. 100 or 99.50</source>
      <translation>元，例如 100 或 99.50</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="240" />
      <location filename="../../app/ui/pages/cashier.py" line="536" />
      <source>Confirm top-up (Enter)</source>
      <translation>确认充值（Enter）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="247" />
      <source>Amount:</source>
      <translation>金额：</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="248" />
      <source>Paid by:</source>
      <translation>支付方式：</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="259" />
      <source>Receipt…</source>
      <translation>凭条…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="261" />
      <source>Refund…</source>
      <translation>退款…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="262" />
      <source>Adjust…</source>
      <translation>调账…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="263" />
      <source>Reverse selected entry…</source>
      <translation>冲正所选账目…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="363" />
      <source>No account found.</source>
      <translation>未找到账户。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="366" />
      <source>The first {0} accounts; type more to narrow.</source>
      <translation>仅显示前 {0} 户，请输入更多内容缩小范围。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="369" />
      <source>{0} accounts found.</source>
      <translation>找到 {0} 户。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="480" />
      <source>Account {0}</source>
      <translation>账户 {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="502" />
      <source>{0} · in arrears</source>
      <translation>{0} · 欠费</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="504" />
      <source>{0} · balance urgent</source>
      <translation>{0} · 余额告急</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="506" />
      <source>{0} · balance low</source>
      <translation>{0} · 余额不足</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="511" />
      <source>No meters</source>
      <translation>无表计</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="514" />
      <source>Supplied</source>
      <translation>正常供电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="516" />
      <source>Cut off: {0}</source>
      <translation>已断电：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="533" />
      <source>Confirm top-up {0} (Enter)</source>
      <translation>确认充值 {0}（Enter）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="544" />
      <source>Enter the amount in yuan, e.g. 100 or 99.50.</source>
      <translation>请输入金额（元），例如 100 或 99.50。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="562" />
      <source>Booking…</source>
      <translation>正在入账…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="581" />
      <source>Booked {0} by {1} · balance now {2} · receipt {3}</source>
      <translation>充值成功 {0}（{1}）· 余额 {2} · 凭条号 {3}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="619" />
      <source>printed (print {0})</source>
      <translation>已打印（第 {0} 次）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="666" />
      <source>Supply: no restore needed</source>
      <translation>供电：无需恢复</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="667" />
      <source>Supply: power restored</source>
      <translation>供电：已恢复供电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="668" />
      <source>Supply: restoring…</source>
      <translation>供电：恢复中…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="670" />
      <source>Supply: the balance is still too low to restore</source>
      <translation>供电：余额仍不足，暂不恢复</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="674" />
      <source>Supply: cut by an operator or the meter; the electrician restores it</source>
      <translation>供电：人工或表计断电，需电工恢复</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="677" />
      <source>Supply: restore failed; call the electrician</source>
      <translation>供电：恢复失败，请联系电工</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/cashier.py" line="707" />
      <source>{0} booked: {1} · balance now {2}</source>
      <translation>{0}成功：{1} · 余额 {2}</translation>
    </message>
  </context>
  <context>
    <name>LedgerLabels</name>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="15" />
      <source>Top-up</source>
      <translation>充值</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="16" />
      <source>Refund</source>
      <translation>退款</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="57" />
      <source>Electricity</source>
      <translation>电</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="58" />
      <source>Water</source>
      <translation>水</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="19" />
      <source>Property fee</source>
      <translation>物业费</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="17" />
      <source>Electricity charge</source>
      <translation>电费</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="18" />
      <source>Water charge</source>
      <translation>水费</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="20" />
      <source>Subsidy granted</source>
      <translation>补助发放</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="21" />
      <source>Subsidy expired</source>
      <translation>补助到期</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="22" />
      <source>Adjustment</source>
      <translation>调账</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="23" />
      <source>Transfer in</source>
      <translation>转入</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="24" />
      <source>Transfer out</source>
      <translation>转出</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="25" />
      <source>Reversal</source>
      <translation>冲正</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="26" />
      <source>Opening balance</source>
      <translation>期初余额</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="30" />
      <source>Cash</source>
      <translation>现金</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="31" />
      <source>WeChat Pay</source>
      <translation>微信</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="32" />
      <source>Alipay</source>
      <translation>支付宝</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="33" />
      <source>Bank card</source>
      <translation>刷卡</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="34" />
      <source>Bank transfer</source>
      <translation>银行转账</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="35" />
      <source>System</source>
      <translation>系统</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="39" />
      <source>Cash pocket</source>
      <translation>现金</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="40" />
      <source>Subsidy pocket</source>
      <translation>补助</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="44" />
      <source>Active</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="45" />
      <source>Suspended</source>
      <translation>暂停</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="46" />
      <source>Closed</source>
      <translation>已销户</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="50" />
      <source>Shop</source>
      <translation>商铺</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="51" />
      <source>Dormitory</source>
      <translation>宿舍</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="52" />
      <source>Office</source>
      <translation>办公</translation>
    </message>
    <message>
      <location filename="../../app/ui/ledger_labels.py" line="53" />
      <source>Enterprise</source>
      <translation>企业</translation>
    </message>
  </context>
  <context>
    <name>LedgerTableModel</name>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="32" />
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="33" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="34" />
      <source>Amount</source>
      <translation>金额</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="35" />
      <source>Balance after</source>
      <translation>余额</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="36" />
      <source>Pocket</source>
      <translation>资金类别</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="37" />
      <source>Channel</source>
      <translation>支付方式</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="38" />
      <source>Receipt</source>
      <translation>凭条号</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="39" />
      <source>Operator</source>
      <translation>操作员</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="40" />
      <source>Note</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="85" />
      <source>System</source>
      <translation>系统</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/ledger.py" line="96" />
      <source>reverses entry {0}</source>
      <translation>冲正第 {0} 笔</translation>
    </message>
  </context>
  <context>
    <name>LoginDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="42" />
      <location filename="../../app/ui/dialogs/login.py" line="71" />
      <source>Unlock</source>
      <translation>解锁</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="42" />
      <location filename="../../app/ui/dialogs/login.py" line="71" />
      <source>Log in</source>
      <translation>登录</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="43" />
      <source>Unified Water &amp; Power Prepaid Billing Platform</source>
      <translation>水电统一收费监管平台</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="65" />
      <source>Operator</source>
      <translation>操作员</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="66" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="73" />
      <source>Log out</source>
      <translation>注销</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="73" />
      <source>Exit</source>
      <translation>退出</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="94" />
      <source>Enter the operator and the password.</source>
      <translation>请输入操作员和密码。</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/login.py" line="97" />
      <source>Checking…</source>
      <translation>正在验证…</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../app/ui/main_window.py" line="45" />
      <source>Unified Water &amp; Power Prepaid Billing Platform</source>
      <translation>水电统一收费监管平台</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="101" />
      <source>System</source>
      <translation>系统</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="102" />
      <source>Lock the desk</source>
      <translation>锁定</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="105" />
      <source>Switch operator</source>
      <translation>切换操作员</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="109" />
      <source>Exit</source>
      <translation>退出</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="113" />
      <source>Help</source>
      <translation>帮助</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="114" />
      <location filename="../../app/ui/main_window.py" line="156" />
      <source>About</source>
      <translation>关于</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="123" />
      <source>Operator: {0}</source>
      <translation>操作员：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="124" />
      <source>Database: {0}</source>
      <translation>数据库：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="147" />
      <source>Active alarms: {0}</source>
      <translation>未处理告警：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="157" />
      <source>Unified Water &amp; Power Prepaid Billing Platform
Version {0}</source>
      <translation>水电统一收费监管平台
版本 {0}</translation>
    </message>
  </context>
  <context>
    <name>Messages</name>
    <message>
      <location filename="../../app/ui/messages.py" line="30" />
      <source>Unexpected error: {0}</source>
      <translation>意外错误：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="34" />
      <source>Account {0} does not exist.</source>
      <translation>账户 {0} 不存在。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="41" />
      <source>Account {0} is closed; this operation is not allowed.</source>
      <translation>账户 {0} 已销户，不能进行此操作。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="44" />
      <source>Account {0} is suspended; this operation is not allowed.</source>
      <translation>账户 {0} 已暂停，不能进行此操作。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="50" />
      <source>The amount is not valid. Enter yuan with at most two decimals, above zero.</source>
      <translation>金额无效：请输入大于零、最多两位小数的元金额。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="56" />
      <source>The input is not valid: {0}</source>
      <translation>输入有误：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="60" />
      <source>The record was not found: {0}</source>
      <translation>找不到记录：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="64" />
      <source>Account {0}: the balance {1} is less than the {2} required.</source>
      <translation>账户 {0}：余额 {1} 不足，需要 {2}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="70" />
      <source>Account {0}: after this top-up the balance would be {1}, above the limit of {2}.</source>
      <translation>账户 {0}：充值后余额将为 {1}，超过上限 {2}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="77" />
      <source>This payment was already booked with different details; check the ledger.</source>
      <translation>这笔款项已按不同内容入账，请核对账目。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="83" />
      <source>Entry {0} cannot be reversed.</source>
      <translation>第 {0} 笔账目不能冲正。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="89" />
      <source>You do not have permission for this operation.</source>
      <translation>您没有执行此操作的权限。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="94" />
      <source>Too many wrong passwords: the operator {0} is locked for 15 minutes.</source>
      <translation>密码错误次数过多：操作员 {0} 已被锁定 15 分钟。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="98" />
      <source>Wrong login or password.</source>
      <translation>操作员或密码错误。</translation>
    </message>
    <message>
      <location filename="../../app/ui/messages.py" line="102" />
      <source>The operation failed: {0}</source>
      <translation>操作失败：{0}</translation>
    </message>
  </context>
  <context>
    <name>Navigation</name>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="46" />
      <source>Top-up &amp; payment</source>
      <translation>充值缴费</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="52" />
      <source>Rooms &amp; accounts</source>
      <translation>房间/账户</translation>
    </message>
  </context>
  <context>
    <name>ReceiptDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/receipt.py" line="219" />
      <source>Receipt {0}</source>
      <translation>凭条 {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/receipt.py" line="222" />
      <source>80 mm thermal roll</source>
      <translation>80 mm 热敏小票</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/receipt.py" line="223" />
      <source>A5 sheet</source>
      <translation>A5 凭条</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/receipt.py" line="224" />
      <source>241 mm continuous (dot-matrix)</source>
      <translation>241 mm 针式连续纸</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/receipt.py" line="229" />
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/receipt.py" line="238" />
      <source>Print (Enter)</source>
      <translation>打印（Enter）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/receipt.py" line="242" />
      <source>Close (Esc)</source>
      <translation>关闭（Esc）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/receipt.py" line="245" />
      <source>Paper:</source>
      <translation>纸张：</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/receipt.py" line="302" />
      <source>Printing…</source>
      <translation>正在打印…</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/receipt.py" line="321" />
      <source>The printer could not be started.</source>
      <translation>无法启动打印机。</translation>
    </message>
  </context>
  <context>
    <name>RoomsPage</name>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="132" />
      <source>Buildings / floors</source>
      <translation>楼栋/楼层</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="138" />
      <source>Search room, tenant, phone or initials</source>
      <translation>搜索房间号、商户名、电话或拼音首字母</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="170" />
      <source>Account details</source>
      <translation>账户详情</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="174" />
      <source>Account</source>
      <translation>账户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="175" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="176" />
      <source>Building / floor</source>
      <translation>楼栋/楼层</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="177" />
      <source>Room type</source>
      <translation>房间类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="178" />
      <source>Area</source>
      <translation>面积</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="179" />
      <source>Tenant</source>
      <translation>商户/住户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="180" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="181" />
      <source>Moved in</source>
      <translation>入住日期</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="182" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="183" />
      <source>Cash</source>
      <translation>现金</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="184" />
      <source>Subsidy</source>
      <translation>补助</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="185" />
      <source>Balance</source>
      <translation>余额</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="186" />
      <source>Overdraft / warning</source>
      <translation>透支额度/预警</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="194" />
      <source>Ledger</source>
      <translation>账目明细</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="197" />
      <source>All time</source>
      <translation>全部时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="198" />
      <source>Last 7 days</source>
      <translation>最近 7 天</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="199" />
      <source>Last 30 days</source>
      <translation>最近 30 天</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="200" />
      <source>This month</source>
      <translation>本月</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="201" />
      <source>Last month</source>
      <translation>上月</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="202" />
      <source>Dates…</source>
      <translation>指定日期…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="213" />
      <source>All kinds</source>
      <translation>全部类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="226" />
      <source>Newer</source>
      <translation>较新</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="227" />
      <source>Older</source>
      <translation>较早</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="278" />
      <location filename="../../app/ui/pages/rooms.py" line="469" />
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="296" />
      <source>{0} accounts · total balance {1} · {2} low · {3} in arrears</source>
      <translation>共 {0} 户 · 余额合计 {1} · 余额不足 {2} 户 · 欠费 {3} 户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="320" />
      <source>All rooms ({0})</source>
      <translation>全部房间（{0}）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="333" />
      <source>Floor {0} ({1})</source>
      <translation>{0} 层（{1}）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="406" />
      <source>{0}, floor {1}</source>
      <translation>{0} {1} 层</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="408" />
      <source>{0} m², {1} occupants</source>
      <translation>{0} m²，{1} 人</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="498" />
      <source>No entries.</source>
      <translation>没有账目。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="504" />
      <source>Entries {0}–{1} of {2}</source>
      <translation>第 {0}–{1} 条，共 {2} 条</translation>
    </message>
  </context>
</TS>