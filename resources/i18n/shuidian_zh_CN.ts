<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
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
      <location filename="../../app/ui/pages/__init__.py" line="40" />
      <source>Rooms &amp; accounts</source>
      <translation>房间/账户</translation>
    </message>
  </context>
  <context>
    <name>RoomsPage</name>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="22" />
      <source>Search room, tenant, phone or initials</source>
      <translation>搜索房间号、商户名、电话或拼音首字母</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="49" />
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="64" />
      <source>{0} accounts · total balance {1} · {2} low · {3} in arrears</source>
      <translation>共 {0} 户 · 余额合计 {1} · 余额不足 {2} 户 · 欠费 {3} 户</translation>
    </message>
  </context>
</TS>