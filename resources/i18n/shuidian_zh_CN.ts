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
      <location filename="../../app/ui/table_models/accounts.py" line="38" />
      <source>Room</source>
      <translation>房间号</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="39" />
      <source>Name</source>
      <translation>房间名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="40" />
      <source>Tenant</source>
      <translation>商户/住户</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="41" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="42" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="43" />
      <source>Cash</source>
      <translation>现金</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="44" />
      <source>Subsidy</source>
      <translation>补助</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="45" />
      <source>Balance</source>
      <translation>余额</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="48" />
      <source>Active</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="49" />
      <source>Suspended</source>
      <translation>暂停</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/accounts.py" line="50" />
      <source>Closed</source>
      <translation>已销户</translation>
    </message>
  </context>
  <context>
    <name>AdminMessages</name>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="77" />
      <source>The password must have at least {0} characters.</source>
      <translation>密码至少需要 {0} 个字符。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="80" />
      <source>The password is too long.</source>
      <translation>密码太长。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="81" />
      <source>The password must contain both letters and digits.</source>
      <translation>密码必须同时包含字母和数字。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="84" />
      <source>The password must not be the same as the login.</source>
      <translation>密码不能与账号相同。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="87" />
      <source>The two passwords are not the same.</source>
      <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="88" />
      <source>The new password must differ from the current one.</source>
      <translation>新密码不能与当前密码相同。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="102" />
      <source>The login {0} is already taken.</source>
      <translation>账号 {0} 已被使用。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="103" />
      <source>The login must be 2–32 letters, digits or . _ @ - and start with a letter or digit.</source>
      <translation>账号须为 2–32 个字母、数字或 . _ @ -，并以字母或数字开头。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="107" />
      <source>Enter the operator's name.</source>
      <translation>请输入操作员姓名。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="108" />
      <source>Choose a role.</source>
      <translation>请选择角色。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="109" />
      <source>A chosen building does not exist.</source>
      <translation>所选楼栋不存在。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="110" />
      <source>Choose at least one building, or all buildings.</source>
      <translation>请至少选择一个楼栋，或选择全部楼栋。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="113" />
      <source>{0} is the last active administrator: keep at least one administrator.</source>
      <translation>{0} 是最后一个启用的管理员：至少需要保留一个管理员。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="117" />
      <source>You cannot deactivate the operator you are logged in as.</source>
      <translation>不能停用当前登录的操作员。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="120" />
      <source>The current password is wrong.</source>
      <translation>当前密码不正确。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="121" />
      <source>Log in as an operator first.</source>
      <translation>请先以操作员身份登录。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="137" />
      <source>{0}: enter a whole number.</source>
      <translation>{0}：请输入整数。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="138" />
      <source>{0}: enter yuan with at most two decimals, e.g. 50 or 12.50.</source>
      <translation>{0}：请输入金额（元，最多两位小数），如 50 或 12.50。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="141" />
      <source>{0}: the value must be within {1}.</source>
      <translation>{0}：数值须在 {1} 之间。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="142" />
      <source>{0} must not be empty.</source>
      <translation>{0}不能为空。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="143" />
      <source>{0} is too long (at most {1} characters).</source>
      <translation>{0}过长（最多 {1} 个字符）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="144" />
      <source>{0}: enter a time as HH:MM, e.g. 03:10.</source>
      <translation>{0}：请按 时:分 输入时间，如 03:10。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="145" />
      <source>{0}: choose one of the offered values.</source>
      <translation>{0}：请从可选项中选择。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="146" />
      <source>{0}: enter an address starting with http:// or https://.</source>
      <translation>{0}：请输入以 http:// 或 https:// 开头的地址。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="149" />
      <source>{0}: {1} is not an e-mail address.</source>
      <translation>{0}：{1} 不是有效的邮箱地址。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="150" />
      <source>{0}: {1} is not a phone number.</source>
      <translation>{0}：{1} 不是有效的手机号。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="151" />
      <source>{0}: the list is not valid.</source>
      <translation>{0}：列表格式不正确。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="152" />
      <source>{0}: use letters, digits and . _ - only.</source>
      <translation>{0}：只能使用字母、数字和 . _ -。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="155" />
      <source>{0}: {1}</source>
      <translation>{0}：{1}</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="156" />
      <source>{0} is not a known setting.</source>
      <translation>{0} 不是已知的设置项。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="159" />
      <location filename="../../app/ui/admin_messages.py" line="162" />
      <source>The low balance warning must not be below the urgent warning.</source>
      <translation>余额预警值不能低于紧急预警值。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="165" />
      <location filename="../../app/ui/admin_messages.py" line="168" />
      <source>The restore level must not be below the cut-off level.</source>
      <translation>恢复送电金额不能低于断电金额。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="188" />
      <source>Cannot connect to the database: {0}</source>
      <translation>无法连接数据库：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="189" />
      <source>The database address is not valid: {0}</source>
      <translation>数据库地址无效：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="190" />
      <source>The database file cannot be created there: {0}</source>
      <translation>无法在该位置创建数据库文件：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="193" />
      <source>The database could not be prepared: {0}</source>
      <translation>数据库初始化失败：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="194" />
      <source>The demo site can only be loaded into an empty database.</source>
      <translation>演示数据只能载入空数据库。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="206" />
      <source>The channel is not configured yet: fill in and save its settings first.</source>
      <translation>该渠道尚未配置：请先填写并保存其设置。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="209" />
      <source>Enter the phone or e-mail address to send the test message to.</source>
      <translation>请输入接收测试消息的手机号或邮箱。</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="212" />
      <source>Sending failed: {0}</source>
      <translation>发送失败：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="213" />
      <source>The channel's key is not available: {0}</source>
      <translation>该渠道的密钥不可用：{0}</translation>
    </message>
  </context>
  <context>
    <name>AdminPage</name>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="204" />
      <source>First administrator</source>
      <translation>首个管理员</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="206" />
      <source>The administrator adds the other operators (cashiers, electricians …) later.</source>
      <translation>其他操作员（收费员、电管员等）由管理员稍后添加。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="219" />
      <source>Login</source>
      <translation>账号</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="220" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="221" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="222" />
      <source>Repeat password</source>
      <translation>确认密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="224" />
      <source>At least {0} characters, with letters and digits.</source>
      <translation>至少 {0} 个字符，须包含字母和数字。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="244" />
      <source>The login must be 2–32 letters, digits or . _ @ - and start with a letter or digit.</source>
      <translation>账号须为 2–32 个字母、数字或 . _ @ -，并以字母或数字开头。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="248" />
      <source>Enter the administrator's name.</source>
      <translation>请输入管理员姓名。</translation>
    </message>
  </context>
  <context>
    <name>AlarmTableModel</name>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="41" />
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="42" />
      <source>Level</source>
      <translation>级别</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="43" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="44" />
      <source>Room / point</source>
      <translation>房间/计量点</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="45" />
      <source>Message</source>
      <translation>内容</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="46" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="49" />
      <source>Communication lost</source>
      <translation>通讯中断</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="50" />
      <source>Switching failed</source>
      <translation>关断控制失效</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="51" />
      <source>Reading anomaly</source>
      <translation>读数异常</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="52" />
      <source>Overload trip</source>
      <translation>过载/恶性负载跳闸</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="53" />
      <source>Temperature</source>
      <translation>温度异常</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="54" />
      <source>Clock drift</source>
      <translation>时钟偏差</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="55" />
      <source>Low balance</source>
      <translation>余额不足</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="56" />
      <source>Cut for arrears</source>
      <translation>欠费断电</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="57" />
      <source>Meter fault</source>
      <translation>表具故障</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="58" />
      <source>Tampering</source>
      <translation>窃电/开盖</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="59" />
      <source>Command failed</source>
      <translation>命令执行失败</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="62" />
      <source>Info</source>
      <translation>提示</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="63" />
      <source>Warning</source>
      <translation>警告</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="64" />
      <source>Critical</source>
      <translation>严重</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="81" />
      <source>Not acknowledged</source>
      <translation>未确认</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="84" />
      <source>Acknowledged by {0}</source>
      <translation>已确认（{0}）</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="87" />
      <source>Acknowledged</source>
      <translation>已确认</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="88" />
      <source>Cleared</source>
      <translation>已清除</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="95" />
      <source>meter {0}</source>
      <translation>表 {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/alarms.py" line="99" />
      <source>gateway {0}</source>
      <translation>网关 {0}</translation>
    </message>
  </context>
  <context>
    <name>AlarmsPage</name>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="54" />
      <source>Open alarms</source>
      <translation>未处理告警</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="55" />
      <source>All alarms</source>
      <translation>全部告警</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="57" />
      <source>All kinds</source>
      <translation>全部类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="61" />
      <source>All buildings</source>
      <translation>全部楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="63" />
      <source>Sound on new alarms</source>
      <translation>新告警声音提醒</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="65" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="67" />
      <source>Show</source>
      <translation>显示</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="69" />
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="71" />
      <source>Building</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="100" />
      <source>Acknowledge selected</source>
      <translation>确认所选</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="101" />
      <source>Clear selected</source>
      <translation>清除所选</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="109" />
      <source>Acknowledging and clearing alarms needs the device permission.</source>
      <translation>确认和清除告警需要设备管理权限。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/alarms.py" line="190" />
      <source>{0} alarms · {1} not acknowledged</source>
      <translation>共 {0} 条 · 未确认 {1} 条</translation>
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
      <location filename="../../app/ui/application.py" line="99" />
      <location filename="../../app/ui/application.py" line="196" />
      <location filename="../../app/ui/application.py" line="256" />
      <source>Collector: running in this desk</source>
      <translation>采集服务：本机运行</translation>
    </message>
    <message>
      <location filename="../../app/ui/application.py" line="101" />
      <location filename="../../app/ui/application.py" line="257" />
      <source>Collector: not in this desk</source>
      <translation>采集服务：未在本机运行</translation>
    </message>
    <message>
      <location filename="../../app/ui/application.py" line="105" />
      <source>Demo operators (login / password):</source>
      <translation>演示操作员（账号 / 密码）：</translation>
    </message>
    <message>
      <location filename="../../app/ui/application.py" line="131" />
      <location filename="../../app/ui/application.py" line="163" />
      <source>Database password</source>
      <translation>数据库密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/application.py" line="132" />
      <source>The database password is not in the system keyring. Enter it for this session:</source>
      <translation>系统密钥环中没有数据库密码，请输入（仅本次运行使用）：</translation>
    </message>
  </context>
  <context>
    <name>ApplyDialog</name>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="342" />
      <source>Apply template {0}</source>
      <translation>下发模板 {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="345" />
      <source>Filter by room or meter address</source>
      <translation>按房间号或表地址筛选</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="355" />
      <source>Download</source>
      <translation>下发</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="356" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>ApplyPage</name>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="291" />
      <source>Setting up</source>
      <translation>正在设置</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="300" />
      <source>Try again</source>
      <translation>重试</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="315" />
      <source>Database: {0}</source>
      <translation>数据库：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="317" />
      <source>Administrator: {0} ({1})</source>
      <translation>管理员：{0}（{1}）</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="319" />
      <source>The demo site will be loaded.</source>
      <translation>将载入演示数据。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="329" />
      <location filename="../../app/ui/wizards/first_run.py" line="341" />
      <source>Preparing the database…</source>
      <translation>正在初始化数据库…</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="342" />
      <source>Loading the demo site (about half a minute)…</source>
      <translation>正在载入演示数据（约半分钟）…</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="343" />
      <source>Creating the administrator…</source>
      <translation>正在创建管理员…</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="344" />
      <source>Saving the configuration…</source>
      <translation>正在保存配置…</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="355" />
      <source>Done. Press Finish and log in.</source>
      <translation>完成。请点击“完成”后登录。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="358" />
      <source>No system keyring: the database password will be asked at every start.</source>
      <translation>本机没有系统密钥环：每次启动时将询问数据库密码。</translation>
    </message>
  </context>
  <context>
    <name>BusDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="136" />
      <source>Edit bus</source>
      <translation>编辑总线</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="136" />
      <source>Add bus</source>
      <translation>添加总线</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="143" />
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="151" />
      <source>Even</source>
      <translation>偶校验</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="152" />
      <source>None</source>
      <translation>无校验</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="153" />
      <source>Odd</source>
      <translation>奇校验</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="162" />
      <location filename="../../app/ui/dialogs/devices.py" line="169" />
      <source> ms</source>
      <translation> 毫秒</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="171" />
      <source>Bus number (1–6)</source>
      <translation>总线号（1～6）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="172" />
      <source>TCP port</source>
      <translation>TCP 端口</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="173" />
      <source>Baud rate</source>
      <translation>波特率</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="174" />
      <source>Parity</source>
      <translation>校验位</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="175" />
      <source>Stop bits</source>
      <translation>停止位</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="176" />
      <source>Response timeout</source>
      <translation>应答超时</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="177" />
      <source>Retries</source>
      <translation>重试次数</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="178" />
      <source>Inter-frame gap</source>
      <translation>帧间隔</translation>
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
    <name>DatabasePage</name>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="54" />
      <source>Database</source>
      <translation>数据库</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="57" />
      <source>One desk: a database file on this computer. Several desks: a PostgreSQL server they share.</source>
      <translation>单台收费电脑：使用本机数据库文件；多台收费电脑：共用一台 PostgreSQL 服务器。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="61" />
      <source>Database file on this computer (SQLite)</source>
      <translation>本机数据库文件（SQLite）</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="63" />
      <source>PostgreSQL server (several desks)</source>
      <translation>PostgreSQL 服务器（多台收费电脑）</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="71" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="89" />
      <source>File</source>
      <translation>文件</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="91" />
      <source>Server address</source>
      <translation>服务器地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="92" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="94" />
      <source>Test connection</source>
      <translation>测试连接</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="115" />
      <source>Database file</source>
      <translation>数据库文件</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="117" />
      <source>Database files (*.db)</source>
      <translation>数据库文件 (*.db)</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="138" />
      <source>The password is kept in the system keyring, not in a file.</source>
      <translation>密码保存在系统密钥环中，不写入任何文件。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="141" />
      <source>This computer has no system keyring: the password will be asked at every start.</source>
      <translation>本机没有系统密钥环：每次启动时将询问密码。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="153" />
      <source>Choose the database file.</source>
      <translation>请选择数据库文件。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="155" />
      <source>Enter the server address as postgresql://user@host:port/database.</source>
      <translation>请按 postgresql://用户@主机:端口/数据库 输入服务器地址。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="158" />
      <source>Leave the password out of the address; type it in the password field.</source>
      <translation>地址中不要包含密码，请在密码栏中输入。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="165" />
      <source>Connecting…</source>
      <translation>正在连接…</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="182" />
      <source>Connected. A new, empty database will be created.</source>
      <translation>连接成功，将创建新的空数据库。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="184" />
      <source>Connected. The database is in use already; it will be opened.</source>
      <translation>连接成功，该数据库已在使用，将直接打开。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="186" />
      <source>Connected. The database has no administrator yet.</source>
      <translation>连接成功，该数据库尚无管理员。</translation>
    </message>
  </context>
  <context>
    <name>DemoPage</name>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="258" />
      <source>Demo site</source>
      <translation>演示数据</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="259" />
      <source>Try the desk on a made-up site before entering your own.</source>
      <translation>录入正式数据之前，可先用演示数据熟悉系统。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="261" />
      <source>Load the demo site (buildings, rooms, meters and three months of history)</source>
      <translation>载入演示数据（楼栋、房间、表具及三个月的历史记录）</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="266" />
      <source>The demo also adds the operators cashier1 / cashier123, elec1 / elec123 and boss / boss123. Loading takes about half a minute. Leave it off for a real site.</source>
      <translation>演示数据还会添加操作员 cashier1 / cashier123、elec1 / elec123 和 boss / boss123。载入约需半分钟。正式使用请不要勾选。</translation>
    </message>
  </context>
  <context>
    <name>DeviceDialogs</name>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="53" />
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="54" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>DeviceErrors</name>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="52" />
      <source>The code is required (at most 32 characters).</source>
      <translation>编号必填，最多 32 个字符。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="55" />
      <source>The code {0} is already used.</source>
      <translation>编号 {0} 已被使用。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="58" />
      <source>The name is required.</source>
      <translation>名称必填。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="61" />
      <source>Unknown connection type {0}.</source>
      <translation>未知的连接方式 {0}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="64" />
      <source>A TCP gateway needs its host address.</source>
      <translation>TCP 网关需要填写主机地址。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="67" />
      <source>A 4G DTU needs its registration id.</source>
      <translation>4G DTU 需要填写注册码。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="70" />
      <source>The DTU registration id {0} is already used.</source>
      <translation>DTU 注册码 {0} 已被使用。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="73" />
      <source>A serial gateway needs its port, e.g. serial:///dev/ttyUSB0.</source>
      <translation>串口网关需要填写串口，例如 serial:///dev/ttyUSB0 或 serial://COM3。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="76" />
      <source>The bus number must be 1 to 6 (got {0}).</source>
      <translation>总线号必须为 1～6（填写的是 {0}）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="79" />
      <source>This gateway already has bus {0}.</source>
      <translation>该网关已有 {0} 号总线。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="82" />
      <source>A bus of a TCP gateway needs its TCP port.</source>
      <translation>TCP 网关的总线需要填写 TCP 端口。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="85" />
      <source>The TCP port must be 1 to 65535 (got {0}).</source>
      <translation>TCP 端口必须为 1～65535（填写的是 {0}）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="88" />
      <source>TCP port {0} of this host is already used by another bus.</source>
      <translation>该主机的 TCP 端口 {0} 已被另一条总线使用。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="91" />
      <source>Baud rate {0} is not supported.</source>
      <translation>不支持波特率 {0}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="94" />
      <source>Parity must be even, none or odd.</source>
      <translation>校验位必须为偶校验、无校验或奇校验。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="97" />
      <source>Stop bits must be 1 or 2.</source>
      <translation>停止位必须为 1 或 2。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="100" />
      <source>The response timeout must be 100 to 30000 ms (got {0}).</source>
      <translation>应答超时必须为 100～30000 毫秒（填写的是 {0}）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="103" />
      <source>Retries must be 0 to 5 (got {0}).</source>
      <translation>重试次数必须为 0～5（填写的是 {0}）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="106" />
      <source>The inter-frame gap must be 0 to 2000 ms (got {0}).</source>
      <translation>帧间隔必须为 0～2000 毫秒（填写的是 {0}）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="109" />
      <source>The meter address must be exactly {0} digits (got “{1}”).</source>
      <translation>表地址必须是 {0} 位数字（填写的是“{1}”）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="112" />
      <source>A Modbus unit id must be 1 to 247 (got “{0}”).</source>
      <translation>Modbus 从站地址必须为 1～247（填写的是“{0}”）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="115" />
      <source>Meter address {0} is already on this bus.</source>
      <translation>表地址 {0} 在该总线上已存在。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="118" />
      <source>Unknown meter kind {0}.</source>
      <translation>未知的表具类型 {0}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="121" />
      <source>Unknown protocol {0}.</source>
      <translation>未知的通讯规约 {0}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="124" />
      <source>Water meters speak CJ/T 188 and electricity meters DL/T 645 (or Modbus).</source>
      <translation>水表使用 CJ/T 188 规约，电表使用 DL/T 645（或 Modbus）规约。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="128" />
      <source>The CT multiplier must be 1 to 10000 (got {0}).</source>
      <translation>倍率必须为 1～10000（填写的是 {0}）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="131" />
      <source>This meter kind has 1 to {0} circuits (got {1}).</source>
      <translation>该类表具的回路数为 1～{0}（填写的是 {1}）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="134" />
      <source>Circuits cannot be fewer than the {0} already in use.</source>
      <translation>回路数不能少于已使用的 {0} 路。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="137" />
      <source>Meter {0} is retired.</source>
      <translation>表 {0} 已停用。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="140" />
      <source>There is no room {0}.</source>
      <translation>没有房间 {0}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="143" />
      <source>There is no tariff {0}.</source>
      <translation>没有电价/水价方案 {0}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="146" />
      <source>Tariff {0} is for another utility.</source>
      <translation>价格方案 {0} 不属于该类表具。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="149" />
      <source>The gateway still has {0} meter(s) in service; retire or move them.</source>
      <translation>该网关下仍有 {0} 块在用的表，请先停用或迁移。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="152" />
      <source>Please give a reason.</source>
      <translation>请填写原因。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="155" />
      <source>A 4G DTU connects to the collector; see its online state and the frame log.</source>
      <translation>4G DTU 由采集服务接入，请查看其在线状态和报文记录。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="164" />
      <source>The setting is not valid: {0}</source>
      <translation>设置无效：{0}</translation>
    </message>
  </context>
  <context>
    <name>DevicesPage</name>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="186" />
      <source>Add gateway</source>
      <translation>添加网关</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="187" />
      <source>Add bus</source>
      <translation>添加总线</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="188" />
      <source>Add meter</source>
      <translation>添加表具</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="189" />
      <source>Edit</source>
      <translation>编辑</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="190" />
      <source>Retire</source>
      <translation>停用</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="191" />
      <source>Test connection</source>
      <translation>测试连接</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="192" />
      <source>Replace meter</source>
      <translation>换表</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="194" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="195" />
      <source>Show retired</source>
      <translation>显示已停用</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="201" />
      <source>Device</source>
      <translation>设备</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="201" />
      <source>Details</source>
      <translation>参数</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="201" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="219" />
      <location filename="../../app/ui/pages/devices.py" line="624" />
      <source>Start frame log</source>
      <translation>开始记录报文</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="221" />
      <source>Clear</source>
      <translation>清空</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="222" />
      <source>Frame log (every bus of this program)</source>
      <translation>通讯报文（本程序的全部总线）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="307" />
      <source>Bus {0}</source>
      <translation>{0} 号总线</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="310" />
      <source>{0} meter(s)</source>
      <translation>{0} 块表</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="382" />
      <source>Retired</source>
      <translation>已停用</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="384" />
      <source>In service</source>
      <translation>在用</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="385" />
      <source>Online</source>
      <translation>在线</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="385" />
      <source>Offline</source>
      <translation>离线</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="389" />
      <source>TCP {0}</source>
      <translation>TCP {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="391" />
      <source>4G DTU {0}</source>
      <translation>4G DTU {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="393" />
      <source>Serial {0}</source>
      <translation>串口 {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="397" />
      <source>even</source>
      <translation>偶</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="397" />
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="397" />
      <source>odd</source>
      <translation>奇</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="398" />
      <source>port {0}, </source>
      <translation>端口 {0}，</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="399" />
      <source>{0}{1} baud, {2} parity, timeout {3} ms, {4} retries</source>
      <translation>{0}波特率 {1}，{2}校验，超时 {3} 毫秒，重试 {4} 次</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="405" />
      <source>Single-phase</source>
      <translation>单相电表</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="406" />
      <source>Three-phase</source>
      <translation>三相电表</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="407" />
      <source>Multi-circuit</source>
      <translation>多路电能模块</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="408" />
      <source>Cold water</source>
      <translation>冷水表</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="409" />
      <source>Hot water</source>
      <translation>热水表</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="417" />
      <source>, CT ×{0}</source>
      <translation>，倍率 ×{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="421" />
      <source>no room</source>
      <translation>未分配</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="422" />
      <source>no tariff</source>
      <translation>未设置</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="423" />
      <source> · keep power</source>
      <translation> · 保电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="424" />
      <source>circuit {0} · room {1} · tariff {2}</source>
      <translation>第 {0} 路 · 房间 {1} · 价格 {2}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="455" />
      <source>Saved.</source>
      <translation>已保存。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="521" />
      <source>Retire meter</source>
      <translation>停用表具</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="522" />
      <source>Retire meter {0} and its points? Its history is kept. Why?</source>
      <translation>停用表 {0} 及其计量点？历史数据会保留。请填写原因：</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="532" />
      <source>Retire gateway</source>
      <translation>停用网关</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="533" />
      <source>Retire gateway {0}? Why?</source>
      <translation>停用网关 {0}？请填写原因：</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="558" />
      <source>Meter replaced.</source>
      <translation>已换表。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="562" />
      <source>Retired.</source>
      <translation>已停用。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="572" />
      <source>Testing gateway {0}…</source>
      <translation>正在测试网关 {0}…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="588" />
      <source>Bus {0}: meter {1} answered in {2} ms (reading {3}).</source>
      <translation>{0} 号总线：表 {1} 在 {2} 毫秒内应答（读数 {3}）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="593" />
      <source>Bus {0}: no meter to ask.</source>
      <translation>{0} 号总线：没有可测试的表。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="596" />
      <source>Bus {0}: no answer from meter {1} ({2}).</source>
      <translation>{0} 号总线：表 {1} 无应答（{2}）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="601" />
      <source>The gateway has no bus.</source>
      <translation>该网关没有总线。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="603" />
      <source>Gateway {0}: connection works.</source>
      <translation>网关 {0}：连接正常。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="605" />
      <source>Gateway {0}: connection failed.</source>
      <translation>网关 {0}：连接失败。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/devices.py" line="619" />
      <source>Stop frame log</source>
      <translation>停止记录报文</translation>
    </message>
  </context>
  <context>
    <name>DownloadTableModel</name>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="152" />
      <source>Point</source>
      <translation>计量点</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="153" />
      <source>Room</source>
      <translation>房间号</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="154" />
      <source>Meter address</source>
      <translation>表地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="155" />
      <source>Template</source>
      <translation>模板</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="156" />
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="157" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="158" />
      <source>Finished</source>
      <translation>完成时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="159" />
      <source>Result</source>
      <translation>结果</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="162" />
      <source>Waiting</source>
      <translation>等待下发</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="163" />
      <source>Downloading</source>
      <translation>下发中</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="164" />
      <source>Confirmed by read-back</source>
      <translation>已回读确认</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="165" />
      <source>Failed</source>
      <translation>失败</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="166" />
      <source>Cancelled</source>
      <translation>已取消</translation>
    </message>
  </context>
  <context>
    <name>FirstRunWizard</name>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="385" />
      <source>First run — Unified Water &amp; Power Prepaid Billing Platform</source>
      <translation>首次运行 — 水电统一收费监管平台</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="388" />
      <source>Next &gt;</source>
      <translation>下一步 &gt;</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="389" />
      <source>&lt; Back</source>
      <translation>&lt; 上一步</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="390" />
      <source>Finish</source>
      <translation>完成</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/first_run.py" line="391" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
  </context>
  <context>
    <name>FrameLogTableModel</name>
    <message>
      <location filename="../../app/ui/table_models/frames.py" line="28" />
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/frames.py" line="29" />
      <source>Direction</source>
      <translation>方向</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/frames.py" line="30" />
      <source>Bus</source>
      <translation>总线</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/frames.py" line="31" />
      <source>Meter</source>
      <translation>表地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/frames.py" line="32" />
      <source>Frame (hex)</source>
      <translation>报文（十六进制）</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/frames.py" line="35" />
      <source>Sent</source>
      <translation>发送</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/frames.py" line="36" />
      <source>Received</source>
      <translation>接收</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/frames.py" line="37" />
      <source>Late answer</source>
      <translation>迟到应答</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/frames.py" line="38" />
      <source>Damaged</source>
      <translation>报文损坏</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/frames.py" line="39" />
      <source>Other meter</source>
      <translation>其他表应答</translation>
    </message>
  </context>
  <context>
    <name>GatewayDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="85" />
      <source>Edit gateway</source>
      <translation>编辑网关</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="85" />
      <source>Add gateway</source>
      <translation>添加网关</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="91" />
      <source>TCP client (transparent serial server)</source>
      <translation>TCP 客户端（透传串口服务器）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="92" />
      <source>4G DTU (connects to this PC)</source>
      <translation>4G DTU（主动连接本机）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="93" />
      <source>Serial port on this PC</source>
      <translation>本机串口</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="104" />
      <source>Code</source>
      <translation>编号</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="105" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="106" />
      <source>Location</source>
      <translation>安装位置</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="107" />
      <source>Connection</source>
      <translation>连接方式</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="108" />
      <source>Host address</source>
      <translation>主机地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="109" />
      <source>DTU registration id</source>
      <translation>DTU 注册码</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="110" />
      <source>Serial port</source>
      <translation>串口</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="111" />
      <source>Notes</source>
      <translation>备注</translation>
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
      <location filename="../../app/ui/ledger_labels.py" line="19" />
      <source>Property fee</source>
      <translation>物业费</translation>
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
      <location filename="../../app/ui/main_window.py" line="53" />
      <source>Unified Water &amp; Power Prepaid Billing Platform</source>
      <translation>水电统一收费监管平台</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="128" />
      <source>System</source>
      <translation>系统</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="129" />
      <source>Lock the desk</source>
      <translation>锁定</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="133" />
      <source>Change my password…</source>
      <translation>修改密码…</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="136" />
      <source>Switch operator</source>
      <translation>切换操作员</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="140" />
      <source>Exit</source>
      <translation>退出</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="144" />
      <source>Help</source>
      <translation>帮助</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="145" />
      <location filename="../../app/ui/main_window.py" line="187" />
      <source>About</source>
      <translation>关于</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="154" />
      <source>Operator: {0}</source>
      <translation>操作员：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="155" />
      <source>Database: {0}</source>
      <translation>数据库：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="178" />
      <source>Active alarms: {0}</source>
      <translation>未处理告警：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="188" />
      <source>Unified Water &amp; Power Prepaid Billing Platform
Version {0}</source>
      <translation>水电统一收费监管平台
版本 {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="198" />
      <source>The desk is locked</source>
      <translation>收费台已锁定</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="204" />
      <source>Operator {0} — enter the password to continue.</source>
      <translation>操作员 {0}：请输入密码继续。</translation>
    </message>
    <message>
      <location filename="../../app/ui/main_window.py" line="286" />
      <source>Your password was changed.</source>
      <translation>密码已修改。</translation>
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
    <name>MeterDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="196" />
      <source>Edit meter</source>
      <translation>编辑表具</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="196" />
      <source>Add meter</source>
      <translation>添加表具</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="201" />
      <source>Single-phase electricity meter</source>
      <translation>单相电表</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="202" />
      <source>Three-phase electricity meter</source>
      <translation>三相电表</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="203" />
      <source>Multi-circuit energy module</source>
      <translation>多路电能模块</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="204" />
      <source>Cold water meter</source>
      <translation>冷水表</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="205" />
      <source>Hot water meter</source>
      <translation>热水表</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="217" />
      <source>12 digits (DL/T 645), 14 (CJ/T 188), 1–247</source>
      <translation>DL/T 645 为 12 位，CJ/T 188 为 14 位，Modbus 为 1～247</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="224" />
      <source>Has a relay or valve</source>
      <translation>带通断开关（继电器/阀门）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="226" />
      <source>Time-of-use registers</source>
      <translation>分时计量（尖峰平谷）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="232" />
      <source>Meter kind</source>
      <translation>表具类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="233" />
      <source>Protocol</source>
      <translation>通讯规约</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="234" />
      <source>Address</source>
      <translation>表地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="235" />
      <source>CT multiplier</source>
      <translation>倍率</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="236" />
      <source>Circuits</source>
      <translation>回路数</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="239" />
      <source>Notes</source>
      <translation>备注</translation>
    </message>
  </context>
  <context>
    <name>MeterSwapErrors</name>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="63" />
      <source>Please write a note: why the value was typed in.</source>
      <translation>请填写说明：为什么人工录入读数。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="66" />
      <source>The note is too long (at most {0} characters).</source>
      <translation>说明太长（最多 {0} 个字）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="69" />
      <source>Please enter the meter value.</source>
      <translation>请填写表计读数。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="72" />
      <source>“{0}” is not a meter value (e.g. 1234.56).</source>
      <translation>“{0}”不是有效的读数（例如 1234.56）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="75" />
      <source>This meter has time-of-use registers: enter tip, peak, flat and valley too.</source>
      <translation>这是分时表：还需填写尖、峰、平、谷读数。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="79" />
      <source>The final value {0} is below the last reading {1}: check the value.</source>
      <translation>止码 {0} 小于最近读数 {1}，请核对。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="82" />
      <source>The point has a reading at or after this moment; the swap must come after it.</source>
      <translation>该计量点在此时刻或之后已有读数，换表时间必须晚于它。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="86" />
      <source>The new meter cannot be read before the old one.</source>
      <translation>新表读数时间不能早于旧表止码时间。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="89" />
      <source>The meter address must be exactly {0} digits (got “{1}”).</source>
      <translation>表地址必须是 {0} 位数字（填写的是“{1}”）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="92" />
      <source>A Modbus unit id must be 1 to 247 (got “{0}”).</source>
      <translation>Modbus 站号必须是 1 到 247（填写的是“{0}”）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="95" />
      <source>The new meter has the address of the old one ({0}).</source>
      <translation>新表地址与旧表相同（{0}）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="98" />
      <source>Meter address {0} is already on this bus.</source>
      <translation>表地址 {0} 在该总线上已存在。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="101" />
      <source>Unknown protocol {0}.</source>
      <translation>未知的通讯协议 {0}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="104" />
      <source>The point {0} is retired.</source>
      <translation>计量点 {0} 已停用。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="107" />
      <source>The meter of point {0} is retired.</source>
      <translation>计量点 {0} 的表计已停用。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="110" />
      <source>Point {0} has held readings: resolve them before the swap.</source>
      <translation>计量点 {0} 有待处理的异常读数，请先处理再换表。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="113" />
      <source>Meter {0} serves several points; a multi-circuit module cannot be swapped here.</source>
      <translation>表 {0} 带多个计量点，多路电能模块不能在此换表。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="117" />
      <source>The point's meter was changed meanwhile; start again.</source>
      <translation>该计量点的表计已被他人更换，请重新开始。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="120" />
      <source>Meter {0} answered without a reading.</source>
      <translation>表 {0} 应答中没有读数。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="123" />
      <source>Meter {0} did not answer.</source>
      <translation>表 {0} 无应答。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="126" />
      <source>The answer could not be understood (several meters answering at once?).</source>
      <translation>应答无法识别（可能有多块表同时应答）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="130" />
      <source>Meter {0} refused the request.</source>
      <translation>表 {0} 拒绝了请求。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="133" />
      <source>The gateway cannot be reached.</source>
      <translation>无法连接网关。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="136" />
      <source>Communication failed.</source>
      <translation>通讯失败。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="139" />
      <source>No meter answered the read-address command.</source>
      <translation>没有表计应答读通信地址命令。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="142" />
      <source>“{0}” is not an address range (e.g. 000000000090-000000000120).</source>
      <translation>“{0}”不是有效的地址范围（例如 000000000090-000000000120）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="146" />
      <source>At most {0} addresses can be scanned at once.</source>
      <translation>一次最多扫描 {0} 个地址。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="149" />
      <source>The settlement of the swap failed; nothing was changed.</source>
      <translation>换表结算失败，未做任何修改。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="157" />
      <source>The meter swap cannot go on ({0}).</source>
      <translation>无法继续换表（{0}）。</translation>
    </message>
  </context>
  <context>
    <name>MeterSwapRegisters</name>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="52" />
      <source>Tip</source>
      <translation>尖</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="53" />
      <source>Peak</source>
      <translation>峰</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="54" />
      <source>Flat</source>
      <translation>平</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="55" />
      <source>Valley</source>
      <translation>谷</translation>
    </message>
  </context>
  <context>
    <name>MeterSwapValuePage</name>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="273" />
      <source>Read over the bus</source>
      <translation>总线抄读</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="281" />
      <source>Type the value in (the meter cannot be read)</source>
      <translation>人工录入读数（表计无法抄读）</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="294" />
      <source>Why typed in, where the photo is …</source>
      <translation>人工录入的原因、照片存放位置……</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="297" />
      <source>Total</source>
      <translation>总读数</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="306" />
      <source>Note</source>
      <translation>说明</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="359" />
      <source>Reading …</source>
      <translation>正在抄读……</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="374" />
      <source>Meter {0} reads {1} {2}.</source>
      <translation>表 {0} 读数 {1} {2}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="388" />
      <source>{0} You can type the value in with a note.</source>
      <translation>{0}可以人工录入读数并填写说明。</translation>
    </message>
  </context>
  <context>
    <name>MeterSwapWizard</name>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="767" />
      <source>Replace meter</source>
      <translation>换表</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="770" />
      <source>Next &gt;</source>
      <translation>下一步 &gt;</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="771" />
      <source>&lt; Back</source>
      <translation>&lt; 上一步</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="772" />
      <source>Close</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="773" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="810" />
      <source>Save swap slip</source>
      <translation>保存换表单</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="810" />
      <source>PDF files (*.pdf)</source>
      <translation>PDF 文件 (*.pdf)</translation>
    </message>
  </context>
  <context>
    <name>MonitorTableModel</name>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="43" />
      <source>Room</source>
      <translation>房间号</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="44" />
      <source>Room name</source>
      <translation>房间名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="45" />
      <source>Building</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="46" />
      <source>Meter address</source>
      <translation>表地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="47" />
      <source>Last reading</source>
      <translation>最近读数</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="48" />
      <source>Read at</source>
      <translation>抄读时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="49" />
      <source>Live values</source>
      <translation>实时值</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="50" />
      <source>Switch</source>
      <translation>通断状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="51" />
      <source>Trip cause</source>
      <translation>断电原因</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="52" />
      <source>Keep power</source>
      <translation>保电</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="53" />
      <location filename="../../app/ui/table_models/monitoring.py" line="75" />
      <source>Online</source>
      <translation>在线</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="54" />
      <source>Command</source>
      <translation>命令进度</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="57" />
      <source>Supplying</source>
      <translation>通电</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="58" />
      <source>Tripped</source>
      <translation>断电</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="59" />
      <location filename="../../app/ui/table_models/monitoring.py" line="60" />
      <location filename="../../app/ui/table_models/monitoring.py" line="65" />
      <location filename="../../app/ui/table_models/monitoring.py" line="66" />
      <source>Unknown</source>
      <translation>未知</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="63" />
      <source>Valve open</source>
      <translation>开阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="64" />
      <source>Valve shut</source>
      <translation>关阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="68" />
      <source>No switch</source>
      <translation>无开关</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="70" />
      <source>Arrears</source>
      <translation>欠费</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="71" />
      <source>Manual</source>
      <translation>人工</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="72" />
      <source>Protection</source>
      <translation>保护</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="76" />
      <source>Offline</source>
      <translation>离线</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="77" />
      <source>Never read</source>
      <translation>未抄读</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="80" />
      <source>Trip</source>
      <translation>拉闸</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="81" />
      <source>Close</source>
      <translation>合闸</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="82" />
      <source>Shut valve</source>
      <translation>关阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="83" />
      <source>Open valve</source>
      <translation>开阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="84" />
      <source>Read</source>
      <translation>抄读</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="85" />
      <source>Parameters</source>
      <translation>参数下发</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="88" />
      <source>pending</source>
      <translation>等待执行</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="89" />
      <source>sent</source>
      <translation>已下发</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="90" />
      <source>confirmed</source>
      <translation>已确认</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="91" />
      <source>failed</source>
      <translation>失败</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="92" />
      <source>cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="94" />
      <source>Yes</source>
      <translation>是</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="173" />
      <source>{0}: {1}</source>
      <translation>{0}：{1}</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="200" />
      <source>Last reading ({0})</source>
      <translation>最近读数（{0}）</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="237" />
      <source>Read at {0}</source>
      <translation>读取于 {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/monitoring.py" line="241" />
      <source>PF {0}</source>
      <translation>功率因数 {0}</translation>
    </message>
  </context>
  <context>
    <name>MonitoringPage</name>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="95" />
      <location filename="../../app/ui/pages/monitoring.py" line="232" />
      <source>All buildings</source>
      <translation>全部楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="98" />
      <source>All states</source>
      <translation>全部状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="99" />
      <source>Online</source>
      <translation>在线</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="100" />
      <source>Offline or never read</source>
      <translation>离线或未抄读</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="101" />
      <source>Valve shut</source>
      <translation>关阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="101" />
      <source>Tripped</source>
      <translation>断电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="102" />
      <source>Keep power</source>
      <translation>保电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="103" />
      <source>Command in progress</source>
      <translation>命令执行中</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="104" />
      <source>Command failed</source>
      <translation>命令失败</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="109" />
      <source>Search room, name or meter address</source>
      <translation>搜索房间号、名称或表地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="111" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="113" />
      <location filename="../../app/ui/pages/monitoring.py" line="317" />
      <source>Read now</source>
      <translation>立即抄读</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="114" />
      <location filename="../../app/ui/pages/monitoring.py" line="320" />
      <source>Shut valve</source>
      <translation>关阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="114" />
      <location filename="../../app/ui/pages/monitoring.py" line="320" />
      <source>Trip</source>
      <translation>拉闸</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="115" />
      <location filename="../../app/ui/pages/monitoring.py" line="324" />
      <source>Open valve</source>
      <translation>开阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="115" />
      <location filename="../../app/ui/pages/monitoring.py" line="324" />
      <source>Close</source>
      <translation>合闸</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="116" />
      <location filename="../../app/ui/pages/monitoring.py" line="362" />
      <source>Keep power on</source>
      <translation>设置保电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="117" />
      <location filename="../../app/ui/pages/monitoring.py" line="362" />
      <source>Keep power off</source>
      <translation>取消保电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="165" />
      <source>Building</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="167" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="211" />
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="246" />
      <source>{0} points · {1} online · {2} offline · {3} cut</source>
      <translation>共 {0} 个计量点 · 在线 {1} · 离线 {2} · 断电 {3}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="304" />
      <source>You do not have permission to control meters.</source>
      <translation>您没有控制表具的权限。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="335" />
      <source>None of the selected points has a switch.</source>
      <translation>所选计量点都没有通断开关。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="338" />
      <location filename="../../app/ui/pages/monitoring.py" line="364" />
      <source>{0} on {1} point(s). Why?</source>
      <translation>{0}：共 {1} 个计量点。请填写原因：</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="343" />
      <source>Sending…</source>
      <translation>正在提交…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="352" />
      <source>{0} command(s) queued.</source>
      <translation>已提交 {0} 条命令，等待采集服务执行。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="354" />
      <source>The same command is already on its way.</source>
      <translation>相同的命令正在执行中。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/monitoring.py" line="376" />
      <source>Keep power changed on {0} point(s).</source>
      <translation>已更改 {0} 个计量点的保电设置。</translation>
    </message>
  </context>
  <context>
    <name>Navigation</name>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="46" />
      <source>Overview</source>
      <translation>系统总览</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="52" />
      <source>Top-up &amp; payment</source>
      <translation>充值缴费</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="58" />
      <source>Rooms &amp; accounts</source>
      <translation>房间/账户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="64" />
      <source>Electricity meters</source>
      <translation>电表监测</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="70" />
      <source>Water meters</source>
      <translation>水表监测</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="76" />
      <source>Gateways &amp; meters</source>
      <translation>网关/表具</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="82" />
      <source>Parameters</source>
      <translation>参数管理</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="88" />
      <source>Alarms</source>
      <translation>告警</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="94" />
      <source>Operators</source>
      <translation>操作员</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/__init__.py" line="100" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
  </context>
  <context>
    <name>OperatorDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="50" />
      <source>Add operator</source>
      <translation>添加操作员</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="50" />
      <source>Edit operator</source>
      <translation>编辑操作员</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="65" />
      <source>All buildings</source>
      <translation>全部楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="87" />
      <source>Login</source>
      <translation>账号</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="88" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="89" />
      <source>Role</source>
      <translation>角色</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="90" />
      <source>Buildings</source>
      <translation>管辖楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="93" />
      <source>Password</source>
      <translation>密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="94" />
      <source>Repeat password</source>
      <translation>确认密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="96" />
      <source>At least {0} characters, with letters and digits.</source>
      <translation>至少 {0} 个字符，须包含字母和数字。</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="108" />
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="109" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="141" />
      <source>Enter the operator's name.</source>
      <translation>请输入操作员姓名。</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="144" />
      <source>Choose at least one building, or all buildings.</source>
      <translation>请至少选择一个楼栋，或选择全部楼栋。</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/operator_edit.py" line="154" />
      <source>Saving…</source>
      <translation>正在保存…</translation>
    </message>
  </context>
  <context>
    <name>OperatorTableModel</name>
    <message>
      <location filename="../../app/ui/table_models/operators.py" line="30" />
      <source>Login</source>
      <translation>账号</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/operators.py" line="31" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/operators.py" line="32" />
      <source>Role</source>
      <translation>角色</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/operators.py" line="33" />
      <source>Buildings</source>
      <translation>管辖楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/operators.py" line="34" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/operators.py" line="35" />
      <source>Locked until</source>
      <translation>锁定至</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/operators.py" line="39" />
      <source>All buildings</source>
      <translation>全部楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/operators.py" line="40" />
      <source>Active</source>
      <translation>启用</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/operators.py" line="41" />
      <source>Deactivated</source>
      <translation>已停用</translation>
    </message>
    <message>
      <location filename="../../app/ui/table_models/operators.py" line="42" />
      <source>Locked</source>
      <translation>已锁定</translation>
    </message>
  </context>
  <context>
    <name>OperatorsPage</name>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="61" />
      <source>Filter by login, name or role</source>
      <translation>按账号、姓名或角色筛选</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="64" />
      <source>Add operator…</source>
      <translation>添加操作员…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="65" />
      <source>Edit…</source>
      <translation>编辑…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="66" />
      <source>Reset password…</source>
      <translation>重置密码…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="67" />
      <source>Release lockout</source>
      <translation>解除锁定</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="68" />
      <location filename="../../app/ui/pages/operators.py" line="159" />
      <location filename="../../app/ui/pages/operators.py" line="258" />
      <source>Deactivate</source>
      <translation>停用</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="100" />
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="125" />
      <source>{0} operators · {1} active · {2} locked</source>
      <translation>共 {0} 名操作员 · 启用 {1} 名 · 锁定 {2} 名</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="159" />
      <source>Reactivate</source>
      <translation>重新启用</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="196" />
      <source>Operator {0} added.</source>
      <translation>已添加操作员 {0}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="218" />
      <source>Operator {0} saved.</source>
      <translation>已保存操作员 {0}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="235" />
      <source>The password of {0} was reset.</source>
      <translation>已重置 {0} 的密码。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="247" />
      <source>{0} may log in again.</source>
      <translation>{0} 已解除锁定，可以重新登录。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="259" />
      <source>Deactivate {0} ({1})? The operator can no longer log in.</source>
      <translation>停用 {0}（{1}）？停用后该操作员不能再登录。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="271" />
      <source>{0} is active again.</source>
      <translation>{0} 已重新启用。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/operators.py" line="271" />
      <source>{0} was deactivated.</source>
      <translation>{0} 已停用。</translation>
    </message>
  </context>
  <context>
    <name>OverviewPage</name>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="46" />
      <source>Normal</source>
      <translation>正常</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="47" />
      <source>Low balance</source>
      <translation>余额预警</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="48" />
      <source>Very low balance</source>
      <translation>余额紧急</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="49" />
      <source>In arrears</source>
      <translation>欠费</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="50" />
      <source>Supply cut</source>
      <translation>已断电/停水</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="51" />
      <source>Meter offline</source>
      <translation>表具离线</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="52" />
      <source>No account</source>
      <translation>未开户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="120" />
      <source>Gateways online</source>
      <translation>网关在线率</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="121" />
      <source>Meters online</source>
      <translation>表具在线率</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="122" />
      <source>Top-ups today</source>
      <translation>今日充值</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="123" />
      <source>Electricity today</source>
      <translation>今日用电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="124" />
      <source>Water today</source>
      <translation>今日用水</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="125" />
      <source>Accounts needing attention</source>
      <translation>需关注账户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="126" />
      <source>Open alarms</source>
      <translation>未处理告警</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="142" />
      <source>Consumption, last {0} days</source>
      <translation>近 {0} 天用电/用水</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="149" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="152" />
      <location filename="../../app/ui/pages/overview.py" line="358" />
      <source>Building</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="154" />
      <source>Floor</source>
      <translation>楼层</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="183" />
      <source>Click a room to see its account.</source>
      <translation>点击房间查看账户信息。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="189" />
      <location filename="../../app/ui/pages/overview.py" line="356" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="195" />
      <source>Rooms</source>
      <translation>房间状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="233" />
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="263" />
      <source>Updated {0}</source>
      <translation>更新于 {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="270" />
      <source>{0} ({1})</source>
      <translation>{0}（{1}）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="272" />
      <source>{0} rooms</source>
      <translation>共 {0} 间</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="286" />
      <location filename="../../app/ui/pages/overview.py" line="291" />
      <source>{0} of {1} online</source>
      <translation>在线 {0} / 共 {1}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="295" />
      <source>{0} top-ups</source>
      <translation>{0} 笔</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="298" />
      <source>{0} kWh</source>
      <translation>{0} kWh</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="299" />
      <location filename="../../app/ui/pages/overview.py" line="303" />
      <source>charged {0}</source>
      <translation>扣费 {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="302" />
      <source>{0} m³</source>
      <translation>{0} m³</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="308" />
      <source>low {0} · very low {1} · arrears {2} · cut {3}</source>
      <translation>预警 {0} · 紧急 {1} · 欠费 {2} · 断电 {3}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="315" />
      <source>{0} not acknowledged</source>
      <translation>未确认 {0} 条</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="327" />
      <location filename="../../app/ui/pages/overview.py" line="328" />
      <source>Electricity (kWh)</source>
      <translation>用电 (kWh)</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="330" />
      <location filename="../../app/ui/pages/overview.py" line="331" />
      <source>Water (m³)</source>
      <translation>用水 (m³)</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="350" />
      <source>{0} · balance {1}</source>
      <translation>{0} · 余额 {1}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="359" />
      <source>{0} · floor {1}</source>
      <translation>{0} {1}层</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="361" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="364" />
      <location filename="../../app/ui/pages/overview.py" line="367" />
      <source>Account</source>
      <translation>账户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="364" />
      <source>none (vacant)</source>
      <translation>无（空置）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="368" />
      <source>Tenant</source>
      <translation>商户/住户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="369" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="370" />
      <source>Balance</source>
      <translation>余额</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="372" />
      <source>Thresholds</source>
      <translation>提醒线</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="373" />
      <source>low {0} · very low {1}</source>
      <translation>预警 {0} · 紧急 {1}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="381" />
      <source>Meters</source>
      <translation>计量点</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="382" />
      <source>{0} points · {1} offline · {2} cut</source>
      <translation>{0} 个 · 离线 {1} · 断开 {2}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="387" />
      <source>Last read</source>
      <translation>最后抄表</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="405" />
      <source>All buildings</source>
      <translation>全部楼栋</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/overview.py" line="417" />
      <source>All floors</source>
      <translation>全部楼层</translation>
    </message>
  </context>
  <context>
    <name>Parameters</name>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="53" />
      <source>Overload power limit</source>
      <translation>过载断电功率</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="54" />
      <source>Power limits per time window</source>
      <translation>分时限流</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="55" />
      <source>Scheduled on/off</source>
      <translation>定时通断</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="56" />
      <source>Malicious load recognition</source>
      <translation>恶性负载识别</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="57" />
      <source>Auto-recover after trip</source>
      <translation>跳电自动恢复</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="58" />
      <source>Temperature trip limit</source>
      <translation>温度断电</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="59" />
      <source>Local prepaid alarm</source>
      <translation>本地预付费报警</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="62" />
      <source>Power limit (kW)</source>
      <translation>功率上限（kW）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="63" />
      <source>Start (hhmm)</source>
      <translation>开始时间（时分）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="64" />
      <source>End (hhmm)</source>
      <translation>结束时间（时分）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="65" />
      <source>Off from (hhmm)</source>
      <translation>断电开始（时分）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="66" />
      <source>Off until (hhmm)</source>
      <translation>断电结束（时分）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="67" />
      <source>Weekdays (bits Mon…Sun, holidays)</source>
      <translation>星期（位：周一…周日、节假日）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="68" />
      <source>Power threshold (kW)</source>
      <translation>功率阈值（kW）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="69" />
      <source>Lowest power factor</source>
      <translation>最低功率因数</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="70" />
      <source>Detection time (s)</source>
      <translation>识别时间（秒）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="71" />
      <source>Recover after (s)</source>
      <translation>恢复延时（秒）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="72" />
      <source>Lock after trips</source>
      <translation>跳闸锁定次数</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="73" />
      <source>Temperature limit (°C)</source>
      <translation>温度上限（℃）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="74" />
      <source>Alarm balance (yuan)</source>
      <translation>报警金额（元）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="91" />
      <source>Window {0} · </source>
      <translation>时段 {0} · </translation>
    </message>
  </context>
  <context>
    <name>ParametersPage</name>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="404" />
      <source>New template</source>
      <translation>新建模板</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="405" />
      <source>New version</source>
      <translation>新版本</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="406" />
      <source>Apply to points…</source>
      <translation>下发到计量点…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="407" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="420" />
      <source>Download status per meter</source>
      <translation>各表下发状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="485" />
      <source>Download status per meter: {0} confirmed · {1} on the way · {2} failed</source>
      <translation>各表下发状态：已确认 {0} · 进行中 {1} · 失败 {2}</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="530" />
      <source>Template {0} version {1} saved.</source>
      <translation>模板 {0} 第 {1} 版已保存。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="581" />
      <source>{0} meter(s) queued for download.</source>
      <translation>已为 {0} 块表排队下发。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="583" />
      <source>{0} skipped: {1}</source>
      <translation>跳过 {0} 个：{1}</translation>
    </message>
  </context>
  <context>
    <name>PasswordDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="44" />
      <source>Change my password</source>
      <translation>修改密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="44" />
      <source>Reset password</source>
      <translation>重置密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="47" />
      <source>Operator: {0}</source>
      <translation>操作员：{0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="49" />
      <source>At least {0} characters, with letters and digits.</source>
      <translation>至少 {0} 个字符，须包含字母和数字。</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="61" />
      <source>Current password</source>
      <translation>当前密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="62" />
      <source>New password</source>
      <translation>新密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="63" />
      <source>Repeat new password</source>
      <translation>确认新密码</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="72" />
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="73" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="92" />
      <source>Enter the current password.</source>
      <translation>请输入当前密码。</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/passwords.py" line="99" />
      <source>Saving…</source>
      <translation>正在保存…</translation>
    </message>
  </context>
  <context>
    <name>PointDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="274" />
      <source>Measurement point {0}</source>
      <translation>计量点 {0}</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="277" />
      <source>Room code, e.g. A-1-01 (empty: none)</source>
      <translation>房间号，例如 A-1-01（留空：不分配）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="279" />
      <source>(none)</source>
      <translation>（无）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="285" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="286" />
      <source>Tariff</source>
      <translation>价格方案</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/devices.py" line="287" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
  </context>
  <context>
    <name>ReasonDialog</name>
    <message>
      <location filename="../../app/ui/dialogs/reason.py" line="25" />
      <source>Reason (required)</source>
      <translation>原因（必填）</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/reason.py" line="29" />
      <source>Confirm</source>
      <translation>确定</translation>
    </message>
    <message>
      <location filename="../../app/ui/dialogs/reason.py" line="30" />
      <source>Cancel</source>
      <translation>取消</translation>
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
    <name>Roles</name>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="13" />
      <source>Administrator</source>
      <translation>特权操作员</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="14" />
      <source>Cashier</source>
      <translation>收费员</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="15" />
      <source>Electricity manager</source>
      <translation>电管员</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="16" />
      <source>Water manager</source>
      <translation>水管员</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="17" />
      <source>Water &amp; power manager</source>
      <translation>水电联管员</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="18" />
      <source>Supervisor</source>
      <translation>主管</translation>
    </message>
  </context>
  <context>
    <name>RoomGridWidget</name>
    <message>
      <location filename="../../app/ui/widgets/room_grid.py" line="105" />
      <source>{0} · F{1}</source>
      <translation>{0} {1}层</translation>
    </message>
  </context>
  <context>
    <name>RoomsPage</name>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="137" />
      <source>Buildings / floors</source>
      <translation>楼栋/楼层</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="143" />
      <source>Search room, tenant, phone or initials</source>
      <translation>搜索房间号、商户名、电话或拼音首字母</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="177" />
      <source>Account details</source>
      <translation>账户详情</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="181" />
      <source>Account</source>
      <translation>账户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="182" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="183" />
      <source>Building / floor</source>
      <translation>楼栋/楼层</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="184" />
      <source>Room type</source>
      <translation>房间类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="185" />
      <source>Area</source>
      <translation>面积</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="186" />
      <source>Tenant</source>
      <translation>商户/住户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="187" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="188" />
      <source>Moved in</source>
      <translation>入住日期</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="189" />
      <source>State</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="190" />
      <source>Cash</source>
      <translation>现金</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="191" />
      <source>Subsidy</source>
      <translation>补助</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="192" />
      <source>Balance</source>
      <translation>余额</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="193" />
      <source>Overdraft / warning</source>
      <translation>透支额度/预警</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="201" />
      <source>Ledger</source>
      <translation>账目明细</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="204" />
      <source>All time</source>
      <translation>全部时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="205" />
      <source>Last 7 days</source>
      <translation>最近 7 天</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="206" />
      <source>Last 30 days</source>
      <translation>最近 30 天</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="207" />
      <source>This month</source>
      <translation>本月</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="208" />
      <source>Last month</source>
      <translation>上月</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="209" />
      <source>Dates…</source>
      <translation>指定日期…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="221" />
      <source>All kinds</source>
      <translation>全部类型</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="234" />
      <source>Newer</source>
      <translation>较新</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="235" />
      <source>Older</source>
      <translation>较早</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="290" />
      <location filename="../../app/ui/pages/rooms.py" line="482" />
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="305" />
      <source>{0} accounts · total balance {1} · {2} low · {3} in arrears</source>
      <translation>共 {0} 户 · 余额合计 {1} · 余额不足 {2} 户 · 欠费 {3} 户</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="334" />
      <source>All rooms ({0})</source>
      <translation>全部房间（{0}）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="347" />
      <source>Floor {0} ({1})</source>
      <translation>{0} 层（{1}）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="419" />
      <source>{0}, floor {1}</source>
      <translation>{0} {1} 层</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="421" />
      <source>{0} m², {1} occupants</source>
      <translation>{0} m²，{1} 人</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="511" />
      <source>No entries.</source>
      <translation>没有账目。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/rooms.py" line="517" />
      <source>Entries {0}–{1} of {2}</source>
      <translation>第 {0}–{1} 条，共 {2} 条</translation>
    </message>
  </context>
  <context>
    <name>SettingLabels</name>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="30" />
      <source>Site name</source>
      <translation>站点名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="31" />
      <source>Receipt header</source>
      <translation>凭条抬头</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="32" />
      <source>Low balance warning</source>
      <translation>余额预警</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="33" />
      <source>Urgent balance warning</source>
      <translation>紧急预警</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="34" />
      <source>Warn when days left</source>
      <translation>剩余天数预警</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="35" />
      <source>Urgent when days left</source>
      <translation>剩余天数紧急预警</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="36" />
      <source>Cut off below</source>
      <translation>断电金额（低于）</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="37" />
      <source>Restore from</source>
      <translation>恢复送电金额（达到）</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="38" />
      <source>Cut when property fee is unpaid</source>
      <translation>物业费欠缴时断电</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="41" />
      <source>Property fee</source>
      <translation>物业费</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="42" />
      <source>Also close water valves</source>
      <translation>欠费时同时关闭水阀</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="43" />
      <source>Meter read interval</source>
      <translation>抄表间隔</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="44" />
      <source>Daily clock sync at</source>
      <translation>每日校时时间</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="45" />
      <source>Allowed clock drift</source>
      <translation>允许时钟偏差</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="46" />
      <source>Lock the desk after</source>
      <translation>无操作自动锁定</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="47" />
      <source>Channels for tenants</source>
      <translation>住户通知渠道</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="48" />
      <source>Channels for staff</source>
      <translation>员工通知渠道</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="49" />
      <source>Staff phones</source>
      <translation>员工手机号</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="50" />
      <source>Staff e-mail addresses</source>
      <translation>员工邮箱</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="51" />
      <source>Group robot webhook URL</source>
      <translation>群机器人地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="52" />
      <source>Webhook key entry</source>
      <translation>机器人密钥名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="53" />
      <source>Mention the tenant</source>
      <translation>@提醒住户</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="54" />
      <source>SMS gateway URL</source>
      <translation>短信网关地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="55" />
      <source>SMS signature</source>
      <translation>短信签名</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="56" />
      <source>SMS API key entry</source>
      <translation>短信 API 密钥名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="57" />
      <source>SMS API secret entry</source>
      <translation>短信 API 私钥名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="58" />
      <source>SMTP server</source>
      <translation>SMTP 服务器</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="59" />
      <source>SMTP port</source>
      <translation>SMTP 端口</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="60" />
      <source>Encryption</source>
      <translation>加密方式</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="61" />
      <source>SMTP user</source>
      <translation>SMTP 用户名</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="62" />
      <source>SMTP password entry</source>
      <translation>SMTP 密码名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/admin_messages.py" line="63" />
      <source>Sender address</source>
      <translation>发件人地址</translation>
    </message>
  </context>
  <context>
    <name>SettingsPage</name>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="83" />
      <source>Site and billing</source>
      <translation>站点与计费</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="84" />
      <source>Schedules</source>
      <translation>计划任务</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="85" />
      <source>Notifications</source>
      <translation>通知</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="86" />
      <source>This desk</source>
      <translation>本机</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="87" />
      <source>Save settings</source>
      <translation>保存设置</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="90" />
      <source>Discard changes</source>
      <translation>放弃修改</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="138" />
      <source>Site</source>
      <translation>站点</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="142" />
      <source>Balance warnings (yuan)</source>
      <translation>余额预警（元）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="146" />
      <source>Cut-off policy</source>
      <translation>断电策略</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="161" />
      <source>Power is cut when the balance falls below the cut-off level and restored when it reaches the restore level again (amounts in yuan, e.g. 0 or -20).</source>
      <translation>余额低于断电金额时断电，回到恢复送电金额时恢复送电（单位：元，如 0 或 -20）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="176" />
      <source>Collector schedule</source>
      <translation>采集计划</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="181" />
      <location filename="../../app/ui/pages/settings.py" line="310" />
      <source> min</source>
      <translation> 分钟</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="187" />
      <source>Property fee</source>
      <translation>物业费</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="193" />
      <source>Charging</source>
      <translation>计费方式</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="194" />
      <source>Deduct on day of month</source>
      <translation>每月扣费日</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="203" />
      <source>Group robot</source>
      <translation>群机器人</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="204" />
      <source>SMS</source>
      <translation>短信</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="205" />
      <source>E-mail</source>
      <translation>邮件</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="219" />
      <source>Store key…</source>
      <translation>保存密钥…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="226" />
      <source>Who is told through which channel</source>
      <translation>通知对象与渠道</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="243" />
      <source>Group robot (WeCom / DingTalk webhook)</source>
      <translation>群机器人（企业微信 / 钉钉）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="250" />
      <source>SMS gateway</source>
      <translation>短信网关</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="257" />
      <source>E-mail (SMTP)</source>
      <translation>邮件（SMTP）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="262" />
      <source>default</source>
      <translation>默认</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="268" />
      <source>None</source>
      <translation>不加密</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="278" />
      <source>Send a test message</source>
      <translation>发送测试消息</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="286" />
      <source>Phone or e-mail (not needed for the robot)</source>
      <translation>手机号或邮箱（群机器人无需填写）</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="287" />
      <source>Send test message</source>
      <translation>发送测试消息</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="305" />
      <source>Security</source>
      <translation>安全</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="311" />
      <source>never</source>
      <translation>从不</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="313" />
      <source>Language of this desk</source>
      <translation>本机界面语言</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="321" />
      <source>Switch language</source>
      <translation>切换语言</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="327" />
      <source>The language applies to this computer only, immediately.</source>
      <translation>语言只对本机有效，立即生效。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="340" />
      <source>Loading…</source>
      <translation>正在加载…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="361" />
      <source>By floor area</source>
      <translation>按面积计费</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="362" />
      <source>Fixed amount per month</source>
      <translation>每月固定金额</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="363" />
      <source>Not charged</source>
      <translation>不收取</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="418" />
      <source>Saving…</source>
      <translation>正在保存…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="430" />
      <source>Settings saved.</source>
      <translation>设置已保存。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="437" />
      <source>Store key</source>
      <translation>保存密钥</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="439" />
      <source>Value of the key {0} (kept in the system keyring, never in the database):</source>
      <translation>密钥 {0} 的值（保存在系统密钥环中，不写入数据库）：</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="450" />
      <source>The key {0} is stored in the keyring; save the settings.</source>
      <translation>密钥 {0} 已保存到系统密钥环，请保存设置。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="460" />
      <source>Sending…</source>
      <translation>正在发送…</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/settings.py" line="472" />
      <source>Sent: {0}</source>
      <translation>已发送：{0}</translation>
    </message>
  </context>
  <context>
    <name>SwapAddressPage</name>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="468" />
      <source>Address of the new meter</source>
      <translation>新表地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="471" />
      <source>Type it or scan the nameplate barcode, read it with the read-address command (only the new meter on the line), or scan an address range on the bus.</source>
      <translation>手工输入或扫描铭牌条码；也可用读通信地址命令读取（线路上只接新表时），或在总线上扫描一个地址范围。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="479" />
      <source>Read address</source>
      <translation>读通信地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="485" />
      <source>Scan the bus</source>
      <translation>扫描总线</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="499" />
      <source>New address</source>
      <translation>新表地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="503" />
      <source>Address range</source>
      <translation>地址范围</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="531" />
      <source>Reading the address …</source>
      <translation>正在读取通信地址……</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="534" />
      <source>Meter {0} answered.</source>
      <translation>表 {0} 已应答。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="550" />
      <source>Scanning …</source>
      <translation>正在扫描……</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="553" />
      <source>{0} new meter(s) found.</source>
      <translation>发现 {0} 块新表。</translation>
    </message>
  </context>
  <context>
    <name>SwapFinalPage</name>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="428" />
      <source>Final value of the old meter</source>
      <translation>旧表止码</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="430" />
      <source>Read it over the bus, or type it in from the display of a dead meter.</source>
      <translation>通过总线抄读；表计损坏时按表盘显示人工录入。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="438" />
      <source>no reading yet</source>
      <translation>尚无读数</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="443" />
      <source>Point {0}, old meter {1} on gateway {2} bus {3}; last reading {4}.</source>
      <translation>计量点 {0}，旧表 {1}（网关 {2} 第 {3} 路），最近读数 {4}。</translation>
    </message>
  </context>
  <context>
    <name>SwapInitialPage</name>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="589" />
      <source>Initial value of the new meter</source>
      <translation>新表起码</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="590" />
      <source>Consumption is billed from this value on.</source>
      <translation>新表自该读数起计费。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="600" />
      <source>New meter {0}.</source>
      <translation>新表 {0}。</translation>
    </message>
  </context>
  <context>
    <name>SwapPointPage</name>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="183" />
      <source>Choose the point</source>
      <translation>选择计量点</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="184" />
      <source>The measurement point whose meter is replaced.</source>
      <translation>要更换表计的计量点。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="187" />
      <source>Point, room or meter address</source>
      <translation>计量点、房间或表地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="189" />
      <source>Search</source>
      <translation>查找</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="222" />
      <source>{0}  room {1}  meter {2}  last reading {3}</source>
      <translation>{0}  房间 {1}  表 {2}  最近读数 {3}</translation>
    </message>
  </context>
  <context>
    <name>SwapSummaryPage</name>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="622" />
      <source>Summary</source>
      <translation>确认换表</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="624" />
      <source>Check the values; nothing is changed until you confirm the swap.</source>
      <translation>请核对以下信息；点击“确认换表”之前不会做任何修改。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="632" />
      <source>Confirm swap</source>
      <translation>确认换表</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="635" />
      <source>Save swap slip (PDF)…</source>
      <translation>保存换表单（PDF）…</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="644" />
      <source>Note</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="658" />
      <source>read over the bus</source>
      <translation>总线抄读</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="658" />
      <source>typed in</source>
      <translation>人工录入</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="666" />
      <source>Point: {0} (room {1})</source>
      <translation>计量点：{0}（房间 {1}）</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="667" />
      <source>Old meter {0}: final value {1} {2}, {3}</source>
      <translation>旧表 {0}：止码 {1} {2}，{3}</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="670" />
      <source>New meter {0}: initial value {1} {2}, {3}</source>
      <translation>新表 {0}：起码 {1} {2}，{3}</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="677" />
      <source>Billed now for the old meter since its last reading: {0} {1}.</source>
      <translation>旧表自最近读数以来的用量 {0} {1} 将随换表结算。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="683" />
      <source>Parameter template {0} will be downloaded to the new meter.</source>
      <translation>参数模板 {0} 将重新下发到新表。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="700" />
      <source>Swapping …</source>
      <translation>正在换表……</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="718" />
      <source>Swapped. Slip {0}; charged for the old meter: {1}.</source>
      <translation>换表完成。换表单 {0}；本次结算扣费 {1}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/wizards/meter_swap.py" line="746" />
      <source>Swap slip saved: {0}</source>
      <translation>换表单已保存：{0}</translation>
    </message>
  </context>
  <context>
    <name>TemplateDialog</name>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="240" />
      <source>New version of {0}</source>
      <translation>模板 {0} 的新版本</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="242" />
      <source>New parameter template</source>
      <translation>新建参数模板</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="251" />
      <source>Parameter</source>
      <translation>参数</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="251" />
      <source>Field</source>
      <translation>项目</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="251" />
      <source>Value</source>
      <translation>取值</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="277" />
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="278" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="282" />
      <source>Code</source>
      <translation>模板编号</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="283" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="284" />
      <source>Notes</source>
      <translation>备注</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="287" />
      <source>Fill every field of the parameters to download:</source>
      <translation>要下发的参数，请填写其全部项目：</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="314" />
      <source>{0}: fill in {1}.</source>
      <translation>{0}：请填写{1}。</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="320" />
      <source>Fill in at least one parameter.</source>
      <translation>请至少填写一个参数。</translation>
    </message>
  </context>
  <context>
    <name>TemplateTableModel</name>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="106" />
      <source>Code</source>
      <translation>模板编号</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="107" />
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="108" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="109" />
      <source>Parameters</source>
      <translation>参数</translation>
    </message>
    <message>
      <location filename="../../app/ui/pages/parameters.py" line="110" />
      <source>Created</source>
      <translation>创建时间</translation>
    </message>
  </context>
</TS>